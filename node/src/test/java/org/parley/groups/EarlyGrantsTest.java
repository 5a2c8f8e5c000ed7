package org.parley.groups;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.protobuf.ByteString;
import java.security.SecureRandom;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.parley.identity.Identity;
import org.parley.identity.PeerId;
import org.parley.proto.wire.v1.SenderKeyGrant;

class EarlyGrantsTest {
    private static final SecureRandom RANDOM = new SecureRandom();
    private final PeerId alice = Identity.generate("alice", RANDOM).peerId();
    private final PeerId bob = Identity.generate("bob", RANDOM).peerId();
    private final GroupId book = group(1);
    private final GroupId chess = group(2);

    private static GroupId group(int fill) {
        try {
            byte[] bytes = new byte[16];
            java.util.Arrays.fill(bytes, (byte) fill);
            return GroupId.of(bytes);
        } catch (GroupException e) {
            throw new AssertionError(e);
        }
    }

    private static ByteString signalId(int n) {
        return ByteString.copyFrom(new byte[] {(byte) n});
    }

    @Test
    void grantsComeOutForTheirGroupOnceTheirSenderIsUsableOldestFirst() {
        EarlyGrants early = new EarlyGrants(8);
        early.hold(book, alice, signalId(1), SenderKeyGrant.getDefaultInstance());
        early.hold(chess, alice, signalId(2), SenderKeyGrant.getDefaultInstance());
        early.hold(book, bob, signalId(3), SenderKeyGrant.getDefaultInstance());
        early.hold(book, alice, signalId(4), SenderKeyGrant.getDefaultInstance());

        assertEquals(List.of(), early.takeUsable(book, peer -> false), "no sender is a member yet");
        List<EarlyGrants.Early> taken = early.takeUsable(book, alice::equals);
        assertEquals(List.of(signalId(1), signalId(4)), taken.stream().map(EarlyGrants.Early::signalId).toList());
        assertEquals(List.of(), early.takeUsable(book, alice::equals), "taken once");
        assertEquals(2, early.size(), "bob's and the other group's wait on");
    }

    @Test
    void aGrantSentAgainIsHeldOnceAndTheOldestGoFirstBeyondTheBound() {
        EarlyGrants early = new EarlyGrants(3);
        early.hold(book, alice, signalId(1), SenderKeyGrant.getDefaultInstance());
        early.hold(book, alice, signalId(1), SenderKeyGrant.getDefaultInstance());
        assertEquals(1, early.size());
        for (int n = 2; n <= 5; n++) {
            early.hold(book, alice, signalId(n), SenderKeyGrant.getDefaultInstance());
        }
        assertEquals(3, early.size());
        assertEquals(List.of(signalId(3), signalId(4), signalId(5)),
                early.takeUsable(book, peer -> true).stream().map(EarlyGrants.Early::signalId).toList());
    }
}
