package org.parley.groups;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.google.protobuf.InvalidProtocolBufferException;
import org.parley.proto.wire.v1.MembershipOpProto;

/** Bytes off the wire as a membership operation: refused with a reason, or verified and stable when re-encoded. */
class MembershipOpFuzzTest {
    @FuzzTest(maxDuration = "60s")
    void anyBytesVerifyOrAreRefused(byte[] input) throws GroupException {
        MembershipOpProto proto;
        try {
            proto = MembershipOpProto.parseFrom(input);
        } catch (InvalidProtocolBufferException expected) {
            return;
        }
        MembershipOp op;
        try {
            op = MembershipOp.verify(proto);
        } catch (GroupException expected) {
            return;
        }
        assertEquals(op.toProto(), MembershipOp.verify(op.toProto()).toProto(), "re-encoding changes nothing");
    }
}
