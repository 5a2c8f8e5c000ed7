package org.parley.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Offline delivery and a group together on one network of whole nodes, as {@code parley sim} runs them. */
class WholeNodeSimulationTest {
    @Test
    void mailAndGroupPostsBothArriveWhenTheyShareTheNodesAndTheChurn() {
        SimConfig config = SimConfig.builder().nodes(40).seed(7).churn(0.2).messages(20).build();
        WholeNodeSimulation.Report report = new WholeNodeSimulation(config, new OfflineDeliverySimulation(config, 0.1),
                new GroupSimulation(config, 10, 20)).run();
        OfflineReport offline = report.offline();
        GroupReport group = report.group();
        assertEquals(4, offline.recipients());
        assertEquals(1.0, offline.relayedRatio(), offline.toText());
        assertTrue(offline.offlineDeliveryRatio() >= 0.999, offline.toText());
        assertEquals(10, group.groupJoined(), group.toText());
        assertEquals(20, group.groupMessages(), group.toText());
        assertTrue(group.groupChurnedMembers() >= 2, group.toText());
        assertEquals(10, group.groupMembersOnlineAtEnd(), "the away recipients are never members: " + group.toText());
        assertEquals(1.0, group.groupCompleteness(), group.toText());
    }

    @Test
    void theSameSeedGivesTheSameFiguresForBoth() {
        SimConfig config = SimConfig.builder().nodes(16).seed(3).churn(0.2).latencyMs(10, 50).messages(5).build();
        assertEquals(new WholeNodeSimulation(config, new OfflineDeliverySimulation(config, 0.2),
                        new GroupSimulation(config, 4, 6)).run(),
                new WholeNodeSimulation(config, new OfflineDeliverySimulation(config, 0.2),
                        new GroupSimulation(config, 4, 6)).run());
    }

    @Test
    void moreAwayNodesAndMembersThanOrdinaryNodesAreRefused() {
        SimConfig config = SimConfig.builder().nodes(20).seed(3).latencyMs(10, 50).messages(5).build();
        assertThrows(IllegalArgumentException.class, () -> new WholeNodeSimulation(config,
                new OfflineDeliverySimulation(config, 0.3), new GroupSimulation(config, 12, 5)));
        assertThrows(IllegalArgumentException.class, () -> new WholeNodeSimulation(config, null, null));
    }

    @Test
    void aSimulationRunsOnce() {
        SimConfig config = SimConfig.builder().nodes(8).seed(3).latencyMs(10, 50).messages(2).build();
        WholeNodeSimulation simulation = new WholeNodeSimulation(config, null, new GroupSimulation(config, 2, 2));
        simulation.run();
        assertThrows(IllegalStateException.class, simulation::run);
    }
}
