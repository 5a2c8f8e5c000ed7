package org.parley.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The group scenario on the simulator: a fixed seed, a network small enough to run in seconds. */
class GroupSimulationTest {
    @Test
    void everyMemberOnlineAtTheEndHoldsEveryPostDespiteChurn() {
        GroupReport report = new GroupSimulation(new SimConfig(40, 5, 0.2, 0, 10, 100, 0, 10, 0), 12, 40).run();
        System.out.println(report.toText());
        assertEquals(12, report.joined(), report.toText());
        assertEquals(40, report.messages(), report.toText());
        assertTrue(report.churnedMembers() >= 2, report.toText());
        assertTrue(report.missedWhileAway() > 0, "members missed posts while away, so back-fill had work: "
                + report.toText());
        assertEquals(12, report.membersOnlineAtEnd(), report.toText());
        assertEquals(1.0, report.groupCompleteness(), report.toText());
        assertEquals(0, report.refusals(), report.toText());
    }
}
