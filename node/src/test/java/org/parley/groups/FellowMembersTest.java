package org.parley.groups;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.parley.identity.Identity;
import org.parley.identity.PeerId;
import org.parley.messaging.GroupSignalTransport;
import org.parley.proto.wire.v1.GroupInvite;
import org.parley.proto.wire.v1.GroupSignal;
import org.parley.proto.wire.v1.SenderKeyGrant;
import org.parley.store.ContentCipher;
import org.parley.store.InlineStorageQueue;

/**
 * Group control leaves the first-contact work out (decision 0084) only where the recipient asks
 * none: to a fellow member that sent us group control itself, so holds a group with us in it; an
 * invitation, and a resend (the first copy may have been refused), pay.
 */
class FellowMembersTest {
    private static final SecureRandom RANDOM = new SecureRandom();

    @TempDir
    Path directory;

    private record Sent(PeerId peer, GroupSignal.BodyCase body, boolean knowsUs) {
    }

    @Test
    void onlyTheFirstCopyOfControlOtherThanAnInvitationToAFellowWhoWroteToUsGoesWithoutTheWork() {
        GroupParts parts = new GroupParts(directory);
        Identity alice = Identity.generate("alice", RANDOM);
        Identity bob = Identity.generate("bob", RANDOM);
        PeerId stranger = Identity.generate("stranger", RANDOM).peerId();
        parts.group(parts.me, List.of(alice, bob));
        FellowMembers fellows = parts.directory.fellows();
        assertTrue(fellows.test(alice.peerId()) && fellows.test(bob.peerId()));
        assertFalse(fellows.test(stranger) || fellows.test(parts.me.peerId()));

        fellows.heardFrom(alice.peerId());
        fellows.heardFrom(stranger);
        assertTrue(fellows.knowUs(alice.peerId()));
        assertFalse(fellows.knowUs(bob.peerId()), "bob may not know the op that added us yet");
        assertFalse(fellows.knowUs(stranger));

        List<Sent> sent = new ArrayList<>();
        byte[] key = new byte[32];
        RANDOM.nextBytes(key);
        SignalOutbox outbox = new SignalOutbox(new GroupSignalTransport() {
            @Override
            public boolean sendGroupSignal(PeerId peer, byte[] control, boolean knowsUs) {
                try {
                    sent.add(new Sent(peer, GroupSignal.parseFrom(control).getBodyCase(), knowsUs));
                } catch (com.google.protobuf.InvalidProtocolBufferException e) {
                    throw new AssertionError(e);
                }
                return true;
            }

            @Override
            public boolean carryGroupSignal(PeerId peer, byte[] control) {
                return false;
            }
        }, fellows::knowUs, new InlineStorageQueue(parts.database), new ContentCipher(key, RANDOM), parts.loop,
                parts.loop, RANDOM);
        GroupSignal.Builder grant = GroupSignal.newBuilder().setSenderKey(SenderKeyGrant.newBuilder());
        outbox.queue(alice.peerId(), grant.clone());
        outbox.queue(bob.peerId(), grant.clone());
        outbox.queue(alice.peerId(), GroupSignal.newBuilder().setInvite(GroupInvite.newBuilder()));
        parts.loop.runUntilIdle();
        outbox.resend(0);
        assertEquals(List.of(
                new Sent(alice.peerId(), GroupSignal.BodyCase.SENDER_KEY, true),
                new Sent(bob.peerId(), GroupSignal.BodyCase.SENDER_KEY, false),
                new Sent(alice.peerId(), GroupSignal.BodyCase.INVITE, false),
                new Sent(alice.peerId(), GroupSignal.BodyCase.SENDER_KEY, false),
                new Sent(bob.peerId(), GroupSignal.BodyCase.SENDER_KEY, false),
                new Sent(alice.peerId(), GroupSignal.BodyCase.INVITE, false)), sent);
    }
}
