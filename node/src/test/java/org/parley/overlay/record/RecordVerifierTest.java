package org.parley.overlay.record;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.parley.overlay.record.Records.HOUR;
import static org.parley.overlay.record.Records.NOW;
import static org.parley.overlay.record.Records.RANDOM;
import static org.parley.overlay.record.Records.record;

import org.junit.jupiter.api.Test;
import org.parley.identity.Identity;
import org.parley.link.Misbehaviour;

class RecordVerifierTest {
    private final Identity alice = Identity.generate("alice", RANDOM);
    private final PeerRecord genuine = record(alice, 1, NOW, HOUR, "192.0.2.1:7000");

    @Test
    void aRecordHeardAgainIsTheOneVerifiedBefore() throws PeerRecordException {
        RecordVerifier verifier = new RecordVerifier(4);

        PeerRecord first = verifier.verify(genuine.toProto(), NOW);
        // A fresh parse, as another node (or the same one, later) gets it off the wire.
        PeerRecord again = verifier.verify(PeerRecord.decode(genuine.toProto().toByteArray(), NOW).toProto(), NOW + 1);

        assertEquals(genuine, first);
        assertSame(first, again, "the nodes sharing a verifier hold one copy of a record");
    }

    @Test
    void aForgeryOfAVerifiedRecordIsStillRefused() throws PeerRecordException {
        RecordVerifier verifier = new RecordVerifier(4);
        verifier.verify(genuine.toProto(), NOW);

        // Alice's record sending her callers to Mallory: the bytes differ, so nothing cached answers for it.
        org.parley.proto.wire.v1.PeerRecord forged = genuine.toProto().toBuilder()
                .setAddresses(0, "198.51.100.66:7000").build();
        PeerRecordException refused = assertThrows(PeerRecordException.class, () -> verifier.verify(forged, NOW));
        assertEquals(Misbehaviour.FORGED, refused.rejection());
        // Nor does a refusal get cached as a pass.
        assertEquals(Misbehaviour.FORGED,
                assertThrows(PeerRecordException.class, () -> verifier.verify(forged, NOW)).rejection());
    }

    @Test
    void aCachedRecordStillExpires() throws PeerRecordException {
        RecordVerifier verifier = new RecordVerifier(4);
        verifier.verify(genuine.toProto(), NOW);

        PeerRecordException refused = assertThrows(PeerRecordException.class,
                () -> verifier.verify(genuine.toProto(), NOW + HOUR));
        assertEquals(Misbehaviour.EXPIRED, refused.rejection());
    }

    @Test
    void theLeastRecentlyUsedRecordIsForgottenFirst() throws PeerRecordException {
        RecordVerifier verifier = new RecordVerifier(2);
        PeerRecord bobs = record(Identity.generate("bob", RANDOM), 1, NOW, HOUR, "192.0.2.2:7000");
        PeerRecord carols = record(Identity.generate("carol", RANDOM), 1, NOW, HOUR, "192.0.2.3:7000");
        PeerRecord keptAlice = verifier.verify(genuine.toProto(), NOW);
        PeerRecord keptBob = verifier.verify(bobs.toProto(), NOW);
        verifier.verify(genuine.toProto(), NOW);
        verifier.verify(carols.toProto(), NOW);

        assertSame(keptAlice, verifier.verify(genuine.toProto(), NOW));
        PeerRecord bobAgain = verifier.verify(bobs.toProto(), NOW);
        assertEquals(keptBob, bobAgain);
        assertNotSame(keptBob, bobAgain, "Bob's was the least recently used, so it was checked anew");
    }
}
