package org.parley.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The group scenario on the simulator: fixed seeds, networks small enough to run in seconds; the
 * full-size figure is in the README.
 */
class GroupSimulationTest {
    @Test
    void everyMemberOnlineAtTheEndHoldsEveryPostDespiteChurn() {
        SimConfig config = SimConfig.builder().nodes(40).seed(5).churn(0.2).messages(10).build();
        GroupReport report = new GroupSimulation(config, 12, 40).run();
        assertEquals(12, report.groupJoined(), report.toText());
        assertEquals(40, report.groupMessages(), report.toText());
        assertTrue(report.groupChurnedMembers() >= 2, "a fifth of the members went away and came back: " + report.toText());
        assertTrue(report.groupMissedWhileAway() > 0, "posts went out while members were away, so back-fill had work: "
                + report.toText());
        assertEquals(12, report.groupMembersOnlineAtEnd(), report.toText());
        assertEquals(1.0, report.groupCompleteness(), report.toText());
        assertTrue(Set.of("not-a-member", "replayed").containsAll(report.groupRefusals().keySet()),
                "honest members refuse only grants and heads that overtook an add, and posts gossip brings "
                        + "again after a restart: " + report.toText());
    }

    @Test
    void theSameSeedGivesTheSameReport() {
        SimConfig config = SimConfig.builder().nodes(16).seed(3).churn(0.2).latencyMs(10, 50).messages(5).build();
        assertEquals(new GroupSimulation(config, 6, 12).run(), new GroupSimulation(config, 6, 12).run());
    }

    @Test
    void impossibleGroupsAreRefused() {
        SimConfig config = SimConfig.builder().nodes(30).seed(3).churn(0.2).latencyMs(10, 50).messages(10).build();
        assertThrows(IllegalArgumentException.class, () -> new GroupSimulation(config, 1, 10));
        assertThrows(IllegalArgumentException.class, () -> new GroupSimulation(config, 27, 10),
                "more members than nodes outside the bootstrap ones");
        assertThrows(IllegalArgumentException.class, () -> new GroupSimulation(config, 5, 0));
        SimConfig large = SimConfig.builder().nodes(1000).seed(3).latencyMs(10, 50).messages(10).build();
        assertThrows(IllegalArgumentException.class, () -> new GroupSimulation(large, 257, 10), "over the group limit");
    }
}
