package org.parley.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * Each attack on a small network (24 honest nodes against 48 Sybils, the flood and the flash 16 against 64;
 * mail-spam on 12 whole honest nodes against 24): the attack is carried out and measured, and
 * the defences hold. The
 * full-size figures (1,000 against 4,000) are in PERFORMANCE.md.
 */
class AttackSimulationTest {
    private static AttackReport run(AttackKind kind, int honest, int sybils, long seed, int messages) {
        AttackReport report = new AttackSimulation(new AttackConfig(kind, honest, sybils, seed, messages, 10, 100)).run();
        System.out.println(report.toText());
        return report;
    }

    @Test
    void anEclipseGrindsSybilsCloserToTheVictimThanAnyHonestNodeYetLookupsFindIt() {
        AttackReport report = run(AttackKind.ECLIPSE, 24, 48, 3, 20);

        assertEquals(48, report.groundSybils(), "all Sybils ground (at most " + AttackSimulation.MAX_GROUND + ")");
        assertTrue(report.groundPrefixBits() >= 4, "closer than every honest node: " + report.groundPrefixBits());
        assertTrue(report.grindAttempts() >= 48, "it costs key pairs: " + report.grindAttempts());
        // Counted at the end: since a starved node dials routing-table contacts at once (decision
        // 0083) the victim ends with 0.29 of its links to Sybils at this seed (above 0.5 before).
        assertTrue(report.victimSybilLinkShare() > 0.25, "Sybils took a share of the victim's links: "
                + report.victimSybilLinkShare());
        assertTrue(report.lookupsOfVictimSuccess() >= 0.99, "lookups of the victim " + report.lookupsOfVictimSuccess());
        assertTrue(report.victimLookupSuccess() >= 0.99, "the victim's lookups " + report.victimLookupSuccess());
        // 0.967 before peers that relayed were dialled back first and trimmed last (decision 0073).
        assertTrue(report.deliveryRatio() >= 0.99, "delivery " + report.deliveryRatio());
    }

    @Test
    void aSybilFloodFourToOneHoldsMostHonestLinksYetTopicDeliveryHolds() {
        // Four Sybils to every honest node, as in the full-size runs. Before links were kept by
        // what they relay (decision 0048) this delivered 62%.
        AttackReport report = run(AttackKind.SYBIL_FLOOD, 16, 64, 4, 20);

        assertNull(report.groundSybils(), "nobody grinds in a flood");
        assertTrue(report.honestSybilLinkShare() > 0.5, "honest links to Sybils " + report.honestSybilLinkShare());
        assertTrue(report.lookupSuccess() >= 0.8, "lookups " + report.lookupSuccess());
        assertTrue(report.deliveryRatio() >= 0.95, "delivery " + report.deliveryRatio());
    }

    @Test
    void aCovertFlashDropsEverythingAtOnceAndDeliveryRecovers() {
        // Four Sybils to every honest node, as in the full-size runs: some honest nodes hold only
        // Sybil links at the flash. 0.871 before a starved node dialled table contacts at once and
        // new neighbours were told what it held (decision 0083); at 24 against 48 it was 1.0 either way.
        AttackReport report = run(AttackKind.COVERT_FLASH, 16, 64, 2, 30);

        assertNotNull(report.deliveryBeforeFlash());
        assertEquals(1.0, report.deliveryBeforeFlash(), "Sybils behave before the flash");
        assertTrue(report.honestSybilLinkShare() > 0.5, "the Sybils hold most honest links when they strike: "
                + report.honestSybilLinkShare());
        assertTrue(report.deliveryRatio() >= 0.95, "delivery after the flash " + report.deliveryRatio());
        assertTrue(report.lookupSuccess() >= 0.99, "lookups with silent Sybils " + report.lookupSuccess());
    }

    @Test
    void mailSpamFillsTheVictimsReplicasAndEveryHonestMessageStillArrives() {
        AttackReport report = run(AttackKind.MAIL_SPAM, 12, 24, 6, 8);

        assertTrue(report.spamEnvelopes() >= 24L * MailSpammer.ENVELOPES, "spam handed over " + report.spamEnvelopes());
        assertEquals(8, report.mailSent());
        assertEquals(8, report.mailDelivered(), "mail to the spammed victim");
    }

    @Test
    void impossibleScenariosAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> AttackKind.parse("sybil"));
        assertEquals(AttackKind.COVERT_FLASH, AttackKind.parse("covert-flash"));
        assertThrows(IllegalArgumentException.class, () -> new AttackConfig(AttackKind.ECLIPSE, 4, 10, 1, 10, 10, 100));
        assertThrows(IllegalArgumentException.class, () -> new AttackConfig(AttackKind.ECLIPSE, 40, 0, 1, 10, 10, 100));
        assertThrows(IllegalArgumentException.class,
                () -> new AttackConfig(AttackKind.ECLIPSE, 40_000, 40_000, 1, 10, 10, 100));
    }
}
