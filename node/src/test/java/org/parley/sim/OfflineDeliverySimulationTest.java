package org.parley.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Offline delivery on the simulator: a fixed seed, a network small enough to run in seconds. */
class OfflineDeliverySimulationTest {
    @Test
    void mailForAwayRecipientsReachesThemOnceTheyReturnDespiteChurn() {
        SimConfig config = SimConfig.builder().nodes(40).seed(7).churn(0.3).messages(40).build();
        OfflineReport report = new OfflineDeliverySimulation(config, 0.1).run();
        assertEquals(4, report.recipients());
        assertEquals(40, report.messages());
        assertEquals(1.0, report.relayedRatio(), "every sender saw its messages held");
        assertTrue(report.offlineDeliveryRatio() >= 0.999, report.toText());
        assertTrue(report.replicasOverTime().stream().allMatch(replicas -> replicas >= 2.5), report.toText());
        assertTrue(report.storedBytesPerNodeMax() > 0, report.toText());
    }

    @Test
    void theSameSeedGivesTheSameReport() {
        SimConfig config = SimConfig.builder().nodes(16).seed(3).churn(0.2).latencyMs(10, 50).messages(5).build();
        assertEquals(new OfflineDeliverySimulation(config, 0.1).run(), new OfflineDeliverySimulation(config, 0.1).run());
    }

    @Test
    void aShareThatLeavesNobodyIsRefused() {
        SimConfig config = SimConfig.builder().nodes(30).seed(3).churn(0.5).latencyMs(10, 50).messages(10).build();
        assertThrows(IllegalArgumentException.class, () -> new OfflineDeliverySimulation(config, 0.5));
        assertThrows(IllegalArgumentException.class, () -> new OfflineDeliverySimulation(config, 0));
    }
}
