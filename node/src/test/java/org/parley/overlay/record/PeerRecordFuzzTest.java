package org.parley.overlay.record;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.code_intelligence.jazzer.junit.FuzzTest;

/** Bytes off the wire as a peer record: refused with a reason, or accepted and stable when re-encoded. */
class PeerRecordFuzzTest {
    /** The saved inputs were made around this time; later ones would merely be expired. */
    private static final long NOW = 1_700_000_000_000L;

    @FuzzTest(maxDuration = "60s")
    void anyBytesDecodeOrAreRefused(byte[] input) throws PeerRecordException {
        PeerRecord record;
        try {
            record = PeerRecord.decode(input, NOW);
        } catch (PeerRecordException expected) {
            return;
        }
        assertEquals(record, PeerRecord.verify(record.toProto(), NOW), "re-encoding changes nothing");
    }
}
