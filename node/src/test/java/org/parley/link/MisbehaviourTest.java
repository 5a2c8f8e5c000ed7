package org.parley.link;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.parley.identity.PeerId;
import org.parley.proto.wire.v1.Frame;

/**
 * The one table of misbehaviour: what each costs and what it is called. That layers report only
 * through it is {@code architecture.LayerTest}'s, on the main classes it imports once for all its rules.
 */
class MisbehaviourTest {
    /**
     * Every kind with the label and penalty it had in its layer's own table before they became
     * one (envelope, group and record rejections; mailbox reasons; the DHT's, discovery's,
     * reachability's, gossip's, relay's, hole punching's and the link manager's
     * constants). Labels of refusals are
     * stored per peer and per group, so a change here changes what users see.
     */
    private static final Map<Misbehaviour, Object[]> BEFORE = new LinkedHashMap<>();

    static {
        expect(Misbehaviour.MALFORMED, "malformed", 20);
        expect(Misbehaviour.UNSUPPORTED_VERSION, "unsupported-version", 5);
        expect(Misbehaviour.TOO_LARGE, "too-large", 20);
        expect(Misbehaviour.FORGED, "forged", 50);
        expect(Misbehaviour.EXPIRED, "expired", 2);
        expect(Misbehaviour.EXPIRY_TOO_FAR, "expiry-too-far", 10);
        expect(Misbehaviour.STALE, "stale", 1);
        expect(Misbehaviour.NOT_FOR_US, "not-for-us", 10);
        expect(Misbehaviour.REPLAYED, "replayed", 1);
        expect(Misbehaviour.REPLAYED_REQUEST, "replayed-request", 5);
        expect(Misbehaviour.UNDECRYPTABLE, "undecryptable", 20);
        expect(Misbehaviour.UNPAID, "unpaid", 5);
        expect(Misbehaviour.BLOCKED, "blocked", 0);
        expect(Misbehaviour.NOT_A_MEMBER, "not-a-member", 10);
        expect(Misbehaviour.NOT_ALLOWED, "not-allowed", 20);
        expect(Misbehaviour.STALE_KEY, "stale-key", 10);
        expect(Misbehaviour.UNKNOWN_KEY, "unknown-key", 0);
        expect(Misbehaviour.BEFORE_KEY, "before-key", 0);
        expect(Misbehaviour.OUT_OF_ORDER, "out-of-order", 20);
        expect(Misbehaviour.NOT_OWN_RECORD, "not-own-record", 25);
        expect(Misbehaviour.NOT_YOURS, "not-yours", 25);
        expect(Misbehaviour.UNASKED, "unasked", 5);
        expect(Misbehaviour.UNOPENED_QUESTION, "unopened-question", 2);
        expect(Misbehaviour.ANSWER_TO_NOTHING, "answer-to-nothing", 10);
        expect(Misbehaviour.MALFORMED_DIAL_BACK, "malformed-dial-back", 10);
        expect(Misbehaviour.DIAL_BACK_FLOOD, "dial-back-flood", 2);
        expect(Misbehaviour.FLOOD, "flood", 1);
        expect(Misbehaviour.UNKNOWN_FRAME, "unknown-frame", 2);
        expect(Misbehaviour.PROTOCOL_VIOLATION, "protocol-violation", 25);
        expect(Misbehaviour.UNKNOWN_IWANT, "unknown-iwant", 2);
        expect(Misbehaviour.BROKEN_PROMISE, "broken-promise", 1);
        expect(Misbehaviour.TOO_MANY_TOPICS, "too-many-topics", 5);
        expect(Misbehaviour.RESERVATION_FLOOD, "reservation-flood", 5);
        expect(Misbehaviour.UNRESERVED, "unreserved", 2);
        expect(Misbehaviour.MALFORMED_PUNCH, "malformed-punch", 10);
        expect(Misbehaviour.UNSOLICITED_PUNCH, "unsolicited-punch", 5);
        expect(Misbehaviour.PUNCH_ADDRESS_OUTSIDE, "punch-address-outside", 5);
        expect(Misbehaviour.BAD_CHUNK, "bad-chunk", 20);
    }

    private static void expect(Misbehaviour misbehaviour, String label, double penalty) {
        BEFORE.put(misbehaviour, new Object[] {label, penalty});
    }

    @Test
    void everyKindCostsWhatItCostInItsLayerBeforeAndKeepsItsLabel() {
        assertEquals(Set.of(Misbehaviour.values()), BEFORE.keySet(), "a kind was added or removed: pin it here");
        for (Misbehaviour misbehaviour : Misbehaviour.values()) {
            assertEquals(BEFORE.get(misbehaviour)[0], misbehaviour.label(), misbehaviour.name());
            assertEquals(BEFORE.get(misbehaviour)[1], misbehaviour.penalty(), misbehaviour.name());
        }
    }

    @Test
    void labelsAreDistinctSoCountsByLabelNeverMergeTwoKinds() {
        Set<String> labels = new HashSet<>();
        for (Misbehaviour misbehaviour : Misbehaviour.values()) {
            assertTrue(labels.add(misbehaviour.label()), misbehaviour.label());
        }
    }

    @Test
    void aReportScoresThePeerByTheTablesPointsUnderItsLabelAndAFreeOneScoresNothing() {
        PeerId mallory = PeerId.fromPublicKey(new byte[32]);
        RecordingPenalties links = new RecordingPenalties();
        links.penalize(mallory, Misbehaviour.FORGED, "an envelope");
        links.penalize(mallory, Misbehaviour.BLOCKED, "");
        links.penalize(mallory, Misbehaviour.FLOOD, "");
        assertEquals(List.of("50.0 forged: an envelope", "1.0 flood"), links.scored);
    }

    /** Neighbours that write down each score the default method hands them. */
    private static final class RecordingPenalties implements Neighbours {
        final List<String> scored = new ArrayList<>();

        @Override
        public boolean send(PeerId peer, Frame frame) {
            return false;
        }

        @Override
        public boolean isConnected(PeerId peer) {
            return false;
        }

        @Override
        public List<PeerId> linkedPeers() {
            return List.of();
        }

        @Override
        public void penalize(PeerId peer, double points, String reason) {
            scored.add(points + " " + reason);
        }
    }
}
