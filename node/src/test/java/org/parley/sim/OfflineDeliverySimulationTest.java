package org.parley.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Offline delivery on the simulator: a fixed seed, a network small enough to run in seconds. */
class OfflineDeliverySimulationTest {
    @Test
    void mailForAwayRecipientsReachesThemOnceTheyReturnDespiteChurn() {
        SimConfig config = new SimConfig(40, 7, 0.3, 0, 10, 100, 0, 40, 0);
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
        SimConfig config = new SimConfig(16, 3, 0.2, 0, 10, 50, 0, 5, 0);
        assertEquals(new OfflineDeliverySimulation(config, 0.1).run(), new OfflineDeliverySimulation(config, 0.1).run());
    }

    @Test
    void aShareThatLeavesNobodyIsRefused() {
        SimConfig config = new SimConfig(30, 3, 0.5, 0, 10, 50, 0, 10, 0);
        assertThrows(IllegalArgumentException.class, () -> new OfflineDeliverySimulation(config, 0.5));
        assertThrows(IllegalArgumentException.class, () -> new OfflineDeliverySimulation(config, 0));
    }
}
