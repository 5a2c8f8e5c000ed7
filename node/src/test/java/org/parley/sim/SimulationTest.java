package org.parley.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * Simulator scenarios at sizes that run in seconds, each held to the overlay's targets; the
 * full-size figures are in the README.
 */
class SimulationTest {
    private static final int NODES = 150;
    private static final int MESSAGES = 20;

    @Test
    void faultFreeEveryoneGetsEveryMessageWithFewDuplicates() {
        // Enough messages for duplicate suppression to have shaped the meshes, as in a long run.
        Simulation simulation = new Simulation(SimConfig.builder().nodes(NODES).seed(11).messages(80).build());
        SimReport report = simulation.run();
        assertTrue(simulation.bootstrapNodesLinked(), "the entry points keep their links to each other");
        assertEquals(1.0, report.deliveryRatio(), report.toText());
        assertTrue(report.receptionsPerDelivery() <= 2.0, report.toText());
        assertTrue(report.minLinks() >= 1, report.toText());
        assertEquals(1.0, report.lookupSuccess(), report.toText());
        assertTrue(report.lookupHopsP50() <= 4, report.toText());
    }

    @Test
    void churnAndPacketLossStillDeliverToThoseOnlineThroughout() {
        SimReport report = run(0.2, 0.05, 0, 0, 12);
        assertTrue(report.deliveryRatio() >= 0.999, report.toText());
        assertTrue(report.lookupSuccess() >= 0.99, report.toText());
    }

    @Test
    void aFifthOfNodesDroppingEverythingDoesNotStopDelivery() {
        SimReport report = run(0, 0, 0.2, 0, 13);
        assertTrue(report.deliveryRatio() >= 0.99, report.toText());
        assertTrue(report.lookupSuccess() >= 0.99, "lookups route around nodes that leave DHT requests unanswered: "
                + report.toText());
    }

    @Test
    void aFifthOfNodesForgingRecordsInDhtAnswersNeitherStopsDeliveryNorMisleadsLookups() {
        SimReport report = new Simulation(SimConfig.builder().nodes(NODES).seed(15).malicious(0.2).messages(MESSAGES)
                .forgeRecords(true).build()).run();
        assertTrue(report.forgedAnswers() > 0, "the liars did answer with forged records: " + report.toText());
        assertTrue(report.deliveryRatio() >= 0.99, report.toText());
        assertTrue(report.lookupSuccess() >= 0.99, "lookups refuse forged records and route around the liars: "
                + report.toText());
    }

    @Test
    void aNetworkCutInTwoGrowsBackTogether() {
        SimReport report = run(0, 0, 0, 60, 14);
        assertEquals(1.0, report.deliveryRatio(), report.toText());
    }

    @Test
    void oneSeedOneReport() {
        SimReport first = run(0.1, 0.02, 0.1, 0, 15);
        SimReport second = run(0.1, 0.02, 0.1, 0, 15);
        assertEquals(withoutWallTime(first.toText()), withoutWallTime(second.toText()));
        SimReport other = run(0.1, 0.02, 0.1, 0, 16);
        assertTrue(!withoutWallTime(first.toText()).equals(withoutWallTime(other.toText())), "the seed matters");
    }

    @Test
    void theBuilderStartsFromTheCommandLineDefaults() {
        SimConfig config = SimConfig.builder().build();
        assertEquals(new SimConfig(1000, 1, 0, 0, 10, 100, 0, 100, 0, false), config);
        assertEquals(0.3, SimConfig.builder().churn(0.3).build().churn());
    }

    @Test
    void impossibleScenariosAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> SimConfig.builder().nodes(1).seed(1).messages(10).build());
        assertThrows(IllegalArgumentException.class,
                () -> SimConfig.builder().nodes(10).seed(1).churn(0.6).malicious(0.5).messages(10).build());
        assertThrows(IllegalArgumentException.class, () -> SimConfig.builder().nodes(10).seed(1).loss(1.0).messages(10).build());
        assertThrows(IllegalArgumentException.class,
                () -> SimConfig.builder().nodes(10).seed(1).latencyMs(100, 10).messages(10).build());
        assertThrows(IllegalArgumentException.class, () -> SimConfig.builder().nodes(10).seed(1).messages(0).build());
        assertThrows(IllegalArgumentException.class,
                () -> SimConfig.builder().nodes(10).seed(1).messages(10).partitionSeconds(-1).build());
        assertThrows(IllegalArgumentException.class,
                () -> SimConfig.builder().nodes(10).seed(1).messages(10).forgeRecords(true).build(),
                "forging needs malicious nodes");
    }

    private static SimReport run(double churn, double loss, double malicious, int partitionSeconds, long seed) {
        return new Simulation(SimConfig.builder().nodes(NODES).seed(seed).churn(churn).loss(loss).malicious(malicious)
                .messages(MESSAGES).partitionSeconds(partitionSeconds).build())
                .run();
    }

    private static String withoutWallTime(String text) {
        return text.replaceAll("wall seconds.*", "");
    }
}
