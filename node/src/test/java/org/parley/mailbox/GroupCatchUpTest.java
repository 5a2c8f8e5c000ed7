package org.parley.mailbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.parley.groups.GroupId;
import org.parley.groups.GroupMessageRecord;
import org.parley.groups.GroupRecord;
import org.parley.link.memory.InMemoryFabric;
import org.parley.messaging.MessagingConfig;
import org.parley.runtime.VirtualScheduler;

/**
 * Group posts through the mailboxes: a member away while the others post comes back when every
 * other member is away too, and catches up from the replicas of the group's topic alone. Whole
 * nodes on the in-memory network, a virtual clock, real SQLite files.
 */
class GroupCatchUpTest {
    @TempDir
    Path directory;

    private final VirtualScheduler loop = new VirtualScheduler(1_767_225_600_000L);
    private final InMemoryFabric fabric = new InMemoryFabric();
    private final List<MailboxNode> nodes = new ArrayList<>();

    private MailboxNode node(String name) {
        MailboxNode node = new MailboxNode(name, nodes.size() + 1, directory, fabric, loop, MailboxConfig.defaults(),
                MessagingConfig.defaults());
        nodes.add(node);
        return node;
    }

    private <T> T await(CompletableFuture<T> request) {
        loop.runUntilIdle();
        return request.join();
    }

    private List<GroupMessageRecord> history(MailboxNode member, GroupId id) {
        return await(member.groups.history(id, 1000, Optional.empty()));
    }

    private static List<String> entryIds(List<GroupMessageRecord> history) {
        return history.stream().map(GroupMessageRecord::entryId).toList();
    }

    @Test
    void aMemberBackWhileEveryOtherMemberIsAwayCatchesUpFromTheMailboxesInTheSameOrder() {
        MailboxNode hub = node("hub");
        hub.start(List.of());
        List<MailboxNode> others = new ArrayList<>(List.of(hub));
        for (int i = 0; i < 4; i++) {
            MailboxNode relay = node("relay" + i);
            relay.start(List.of(hub));
            others.add(relay);
        }
        MailboxNode alice = node("alice").withGroups();
        MailboxNode bob = node("bob").withGroups();
        MailboxNode carol = node("carol").withGroups();
        for (MailboxNode member : List.of(alice, bob, carol)) {
            member.start(List.of(hub));
        }
        loop.advance(Duration.ofSeconds(30));

        GroupId id = await(alice.groups.create("night shift")).id();
        await(alice.groups.invite(id, bob.id(), false));
        await(alice.groups.invite(id, carol.id(), false));
        loop.advance(Duration.ofSeconds(10));
        await(bob.groups.join(id));
        await(carol.groups.join(id));
        loop.advance(Duration.ofSeconds(10));
        assertEquals(GroupRecord.JOINED, carol.groups.groups().get(0).status());

        carol.stop();
        loop.advance(Duration.ofSeconds(5));
        for (int round = 0; round < 15; round++) {
            await(alice.groups.send(id, "alice " + round));
            if (round % 3 == 0) {
                // Now and then both post at once: the log orders them the same everywhere.
                await(bob.groups.send(id, "bob " + round));
            } else {
                loop.advance(Duration.ofMillis(400));
                await(bob.groups.send(id, "bob " + round));
            }
            loop.advance(Duration.ofMillis(700));
        }
        loop.advance(Duration.ofSeconds(10));
        List<GroupMessageRecord> expected = history(alice, id);
        assertEquals(30, expected.size());
        assertEquals(entryIds(expected), entryIds(history(bob, id)));
        int held = others.stream().mapToInt(node -> node.mailbox.groupPostsHeldForOthers()).sum();
        assertTrue(held >= 30, "every post is held by the topic's replicas: " + held);

        alice.stop();
        bob.stop();
        // The replicas restart too: what they hold comes back from their databases.
        for (MailboxNode other : others) {
            other.stop();
        }
        for (MailboxNode other : others) {
            other.start(other == hub ? List.of() : List.of(hub));
        }
        loop.advance(Duration.ofSeconds(5));
        carol.start(List.of(hub));
        loop.advance(Duration.ofMinutes(2));

        assertFalse(alice.running || bob.running, "no other member came back");
        List<GroupMessageRecord> caughtUp = history(carol, id);
        assertEquals(entryIds(expected), entryIds(caughtUp), "every post, once each, in the same order");
        assertEquals(expected.stream().map(GroupMessageRecord::text).toList(),
                caughtUp.stream().map(GroupMessageRecord::text).toList());
        assertTrue(carol.groups.groups().get(0).refused().isEmpty(), carol.groups.groups().get(0).refused().toString());
        for (MailboxNode other : others) {
            assertFalse(carol.links.isBanned(other.id()), "carol bans no replica");
        }
    }

    @Test
    void aPeerInvitedWhileAwayJoinsAndReadsThePostsWhenTheInviterIsAwayInTurn() {
        MailboxNode hub = node("hub");
        hub.start(List.of());
        for (int i = 0; i < 4; i++) {
            node("relay" + i).start(List.of(hub));
        }
        MailboxNode alice = node("alice").withGroups();
        MailboxNode bob = node("bob").withGroups();
        alice.start(List.of(hub));
        bob.start(List.of(hub));
        loop.advance(Duration.ofSeconds(30));
        // Linked once, so each holds the other's prekey bundle: what a contact has.
        assertTrue(alice.links.isConnected(bob.id()) || alice.discovery.recordOf(bob.id()).isPresent());

        bob.stop();
        loop.advance(Duration.ofSeconds(5));
        GroupId id = await(alice.groups.create("night shift")).id();
        await(alice.groups.invite(id, bob.id(), false));
        await(alice.groups.send(id, "welcome, bob"));
        loop.advance(Duration.ofSeconds(10));
        alice.stop();

        bob.start(List.of(hub));
        loop.advance(Duration.ofMinutes(1));
        assertEquals(GroupRecord.INVITED, bob.groups.groups().get(0).status(),
                "the invitation came through bob's mailboxes");
        await(bob.groups.join(id));
        loop.advance(Duration.ofMinutes(2));
        assertFalse(alice.running, "alice stayed away");
        assertEquals(List.of("welcome, bob"), history(bob, id).stream().map(GroupMessageRecord::text).toList(),
                "alice's sender key came through the mailboxes too, so her post opens");
    }
}
