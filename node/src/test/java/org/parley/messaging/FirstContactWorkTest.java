package org.parley.messaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.parley.identity.PeerId;
import org.parley.proto.wire.v1.GroupAck;
import org.parley.proto.wire.v1.GroupInvite;
import org.parley.proto.wire.v1.GroupSignal;
import org.parley.runtime.VirtualScheduler;

/**
 * The cost of a first contact (finding 5 of issue 16): a peer that is not our contact must have
 * done the proof of work we ask for, or its message is refused before the ratchet or the history
 * sees it. Contacts are not asked, nor, for group control other than invitations, the fellow
 * members of a group we hold (decision 0084).
 */
class FirstContactWorkTest {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final int BOBS_PRICE = 16;

    @TempDir
    Path directory;

    private final VirtualScheduler loop = new VirtualScheduler(1_700_000_000_000L);

    private MessagingNode node(String name) {
        return new MessagingNode(name, loop, directory, RANDOM);
    }

    private List<String> textsAt(MessagingNode node, MessagingNode from) {
        return node.history(from.id()).stream().map(MessageRecord::text).toList();
    }

    @Test
    void aStrangersMessageWithoutTheWorkIsRefusedBeforeStorageAndOneWithItIsARequest() {
        MessagingNode bob = node("bob");
        MessagingNode stranger = node("stranger");
        MessagingNode alice = node("alice");
        bob.messenger.stampBits(BOBS_PRICE);
        stranger.messenger.stampBits(0);
        alice.messenger.stampBits(0);
        MessagingNode.link(stranger, bob);
        MessagingNode.link(alice, bob);
        loop.runUntilIdle();
        MessagingNode.befriend(alice, bob);

        stranger.send(bob.id(), "buy now");
        alice.send(bob.id(), "hi, it's alice");
        loop.advance(Duration.ofSeconds(1));
        assertTrue(bob.history(stranger.id()).isEmpty(), "not stored");
        assertEquals(1L, bob.messenger.refusedFrom(stranger.id()).get("unpaid"));
        assertTrue(bob.penalties.get(stranger.id()) > 0);
        assertEquals(List.of("hi, it's alice"), textsAt(bob, alice), "a contact pays nothing");

        // The same stranger, paying bob's price: its message is a message request like any.
        stranger.messenger.stampBits(BOBS_PRICE);
        stranger.send(bob.id(), "hello, may I write to you?");
        loop.advance(Duration.ofSeconds(1));
        assertEquals(List.of("hello, may I write to you?"), textsAt(bob, stranger));
        assertTrue(bob.history(stranger.id()).get(0).request());
        assertEquals(1L, bob.messenger.refusedFrom(stranger.id()).get("unpaid"), "refused once: the first");
    }

    /**
     * A group's setup sends every member's control to every other member: paid, that was a stamp
     * per pair each way, a fifth of the setup's CPU. Fellow members' group control goes without;
     * what else they send (a text, an invitation to another group) pays as a stranger's would, and
     * a stranger still pays for group control too.
     */
    @Test
    void aFellowMembersGroupControlNeedsNoWorkButItsTextsAndInvitationsDo() {
        MessagingNode bob = node("bob");
        MessagingNode fellow = node("fellow");
        MessagingNode stranger = node("stranger");
        bob.messenger.stampBits(BOBS_PRICE);
        fellow.messenger.stampBits(0);
        stranger.messenger.stampBits(0);
        bob.messenger.knowFellowMembers(peer -> peer.equals(fellow.id()));
        List<PeerId> heard = new ArrayList<>();
        bob.messenger.addGroupSignalListener((sender, control) -> heard.add(sender));
        MessagingNode.link(fellow, bob);
        MessagingNode.link(stranger, bob);
        loop.runUntilIdle();
        byte[] control = GroupSignal.newBuilder().setAck(GroupAck.newBuilder()).build().toByteArray();

        assertTrue(fellow.messenger.sendGroupSignal(bob.id(), control, true));
        assertTrue(stranger.messenger.sendGroupSignal(bob.id(), control, true));
        loop.advance(Duration.ofSeconds(1));
        assertEquals(List.of(fellow.id()), heard);
        assertEquals(null, bob.messenger.refusedFrom(fellow.id()).get("unpaid"));
        assertEquals(1L, bob.messenger.refusedFrom(stranger.id()).get("unpaid"));

        fellow.send(bob.id(), "not a group's business");
        fellow.messenger.sendGroupSignal(bob.id(),
                GroupSignal.newBuilder().setInvite(GroupInvite.newBuilder()).build().toByteArray(), true);
        loop.advance(Duration.ofSeconds(1));
        assertTrue(bob.history(fellow.id()).isEmpty(), "not stored");
        assertEquals(List.of(fellow.id()), heard, "the invitation did not reach the group layer");
        assertEquals(2L, bob.messenger.refusedFrom(fellow.id()).get("unpaid"));
    }
}
