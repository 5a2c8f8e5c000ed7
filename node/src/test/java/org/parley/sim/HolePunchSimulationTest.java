package org.parley.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * Hole punching among whole nodes in the simulator: the daemon's own {@code HolePunch} runs on
 * relayed in-memory links, told by the relay where it sees the other end, and the NAT types decide
 * whether the simultaneous open passes.
 */
class HolePunchSimulationTest {
    @Test
    void relayedLinksBetweenConesBecomePunchedLinks() {
        PunchReport punches = run(NatMix.parse("ei=0.4,rc=0.3,prc=0.3"));
        String text = punches.toText();
        assertTrue(punches.holePunchAttempts() > 0, text);
        assertEquals(1.0, punches.holePunchSuccess(), "two cones, or a cone and a public node, always punch: " + text);
        assertTrue(punches.holePunchedBetweenNats() > 0, "cone to cone: " + text);
    }

    @Test
    void symmetricNatsNeverPunchToEachOther() {
        PunchReport punches = run(NatMix.parse("sym=1"));
        String text = punches.toText();
        assertTrue(punches.holePunchAttempts() > punches.holePunchSucceeded(), text);
        assertTrue(punches.holePunchSuccess() < 1, text);
        assertEquals(0, punches.holePunchedBetweenNats(), "only a public node punches to a symmetric NAT: " + text);
        assertTrue(punches.relayedLinksOpened() > 0, "their links stay relayed: " + text);
    }

    /** 30 whole nodes, 70% behind NATs of {@code mix}; a group of 8 of them (every member links to the others). */
    private static PunchReport run(NatMix mix) {
        SimConfig config = SimConfig.builder().nodes(30).seed(7).messages(4).unreachable(0.7).natMix(mix).build();
        WholeNodeSimulation simulation = new WholeNodeSimulation(config, null, new GroupSimulation(config, 8, 6));
        simulation.run();
        return simulation.punchReport();
    }
}
