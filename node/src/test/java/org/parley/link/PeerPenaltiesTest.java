package org.parley.link;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.parley.identity.PeerId;
import org.parley.runtime.VirtualScheduler;

/** The penalty and ban tables stay bounded against floods of fresh identities, and keep what matters. */
class PeerPenaltiesTest {
    private final VirtualScheduler clock = new VirtualScheduler(1_767_225_600_000L);
    private final LinkConfig config = LinkConfig.defaults();

    /** A distinct peer ID per number (identities cost an attacker nothing either). */
    private static PeerId fresh(int n) {
        byte[] key = new byte[32];
        ByteBuffer.wrap(key).putInt(n).putInt(0x5eed);
        return PeerId.fromPublicKey(key);
    }

    @Test
    void aFloodOfFreshIdentitiesCannotWipeTheScoreOfAPeerAboutToBeBanned() {
        PeerPenalties penalties = new PeerPenalties(clock, config);
        PeerId mallory = fresh(-1);
        assertFalse(penalties.penalize(mallory, config.misbehaviourLimit() - 10));
        for (int i = 0; i < PeerPenalties.MAX_TRACKED + 500; i++) {
            penalties.penalize(fresh(i), 1);
        }
        assertEquals(PeerPenalties.MAX_TRACKED, penalties.scoresTracked(), "bounded");
        assertTrue(penalties.penalize(mallory, 20), "mallory's points were kept, and this bans her");
        assertTrue(penalties.isBanned(mallory));
    }

    @Test
    void forgivenScoresGoFirst() {
        PeerPenalties penalties = new PeerPenalties(clock, config, 3);
        penalties.penalize(fresh(1), 5);
        penalties.penalize(fresh(2), 50);
        penalties.penalize(fresh(3), 80);
        clock.advance(Duration.ofSeconds(10)); // fresh(1) is forgiven, fresh(2) has 40 left
        penalties.penalize(fresh(4), 1);
        assertEquals(3, penalties.scoresTracked());
        assertTrue(penalties.penalize(fresh(3), 30), "the highest score is still there");
    }

    @Test
    void theBanTableIsBoundedAndLetsGoOfEndedBansFirstThenTheOneEndingSoonest() {
        PeerPenalties penalties = new PeerPenalties(clock, config, 3);
        penalties.penalize(fresh(1), config.misbehaviourLimit());
        clock.advance(config.banDuration().plusSeconds(1));
        penalties.penalize(fresh(2), config.misbehaviourLimit());
        clock.advance(Duration.ofMinutes(1));
        penalties.penalize(fresh(3), config.misbehaviourLimit());
        clock.advance(Duration.ofMinutes(1));
        penalties.penalize(fresh(4), config.misbehaviourLimit());
        assertEquals(3, penalties.bansTracked(), "fresh(1)'s ban had ended: it went");
        penalties.penalize(fresh(5), config.misbehaviourLimit());
        assertEquals(3, penalties.bansTracked());
        assertFalse(penalties.isBanned(fresh(2)), "the ban ending soonest made room");
        assertTrue(penalties.isBanned(fresh(3)) && penalties.isBanned(fresh(4)) && penalties.isBanned(fresh(5)));
        for (int i = 10; i < 10_000; i++) {
            penalties.penalize(fresh(i), config.misbehaviourLimit());
        }
        assertEquals(3, penalties.bansTracked(), "never more than the bound");
    }
}
