package org.parley.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.parley.api.ApiException;
import org.parley.api.EventView;
import org.parley.api.GroupView;
import org.parley.api.OutboxView;
import org.parley.api.ParleyApi;
import org.parley.control.ControlClient;
import org.parley.control.ControlServer;
import org.parley.identity.Identity;
import org.parley.link.DialTarget;
import org.parley.link.HostPort;
import org.parley.store.ProfileHome;
import org.parley.testing.Eventually;

/**
 * {@code Watch} over the control socket of a real node: links, contacts, invitations and the
 * outbox counts arrive as events, a watcher that went away resumes from its last cursor with what
 * it missed, and a watcher whose daemon stops is told.
 */
class ControlWatchTest {
    private static final SecureRandom RANDOM = new SecureRandom();

    @TempDir
    Path directory;

    private MemoryNodes nodes;

    @BeforeEach
    void nodesInTheDirectory() {
        nodes = new MemoryNodes(directory);
    }

    @Test
    void linksContactsAndInvitationsAreEventsAndAResumedWatchGetsWhatItMissed() throws Exception {
        Identity alice = Identity.generate("alice", RANDOM);
        Identity bob = Identity.generate("bob", RANDOM);
        HostPort aliceAddress = new HostPort("10.0.0.1", 7450);
        ProfileHome home = nodes.home("alice");
        String bobId = bob.peerId().toString();
        try (ParleyNode aliceNode = nodes.start(alice, home, aliceAddress, List.of());
             ControlServer server = ControlServer.start(aliceNode.api(), home);
             ControlClient client = ControlClient.connectOrExplain(home)) {
            BlockingQueue<EventView> events = new LinkedBlockingQueue<>();
            ParleyApi.Subscription watching = client.watch(events::add);
            assertEquals(EventView.WATCHING, events.take().type());

            ParleyNode bobNode = nodes.start(bob, nodes.home("bob"), new HostPort("10.0.0.2", 7450),
                    List.of(DialTarget.peerAt(alice.peerId(), aliceAddress)));
            EventView linked = next(events, event -> event.type().equals(EventView.LINKED));
            assertEquals(bobId, linked.peer().peerId());

            client.addContact(bobId, "bob");
            EventView contact = next(events, event -> event.type().equals(EventView.CONTACT));
            assertEquals("bob", contact.contact().name());
            assertEquals("contact", contact.contact().status());

            GroupView club = bobNode.api().createGroup("club");
            bobNode.api().inviteToGroup(club.groupId(), alice.peerId().toString(), false);
            EventView invitation = next(events, event -> event.type().equals(EventView.INVITATION));
            assertEquals(club.groupId(), invitation.group().groupId());
            assertEquals("invited", invitation.group().status());
            client.joinGroup(club.groupId());
            EventView joined = next(events, event -> event.type().equals(EventView.GROUP_CHANGED));
            assertEquals("joined", joined.group().status());

            // The watcher goes away; two messages come meanwhile.
            String lastSeen = joined.cursor();
            events.clear();
            watching.close();
            bobNode.api().send(alice.peerId().toString(), "while you were away");
            bobNode.api().send(alice.peerId().toString(), "and again");
            awaitHistory(aliceNode.api(), bobId, 2);

            List<EventView> resumed = new ArrayList<>();
            BlockingQueue<EventView> again = new LinkedBlockingQueue<>();
            ParleyApi.Subscription back = client.watch(Optional.of(lastSeen), again::add);
            for (EventView event = again.take(); !event.type().equals(EventView.WATCHING); event = again.take()) {
                resumed.add(event);
            }
            List<String> missed = new ArrayList<>(resumed.stream()
                    .filter(event -> event.type().equals(EventView.MESSAGE) && event.message().direction().equals("in"))
                    .map(event -> event.message().text()).toList());
            // The history may show a message a moment before its event is published: that one
            // comes live, right after "watching".
            while (missed.size() < 2) {
                missed.add(next(again, event -> event.type().equals(EventView.MESSAGE)
                        && event.message().direction().equals("in")).message().text());
            }
            assertEquals(List.of("while you were away", "and again"), missed);
            back.close();

            List<EventView> bobsEvents = new ArrayList<>();
            bobNode.api().watch(Optional.empty(), bobsEvents::add).close();
            ApiException tooOld = assertThrows(ApiException.class,
                    () -> client.watch(Optional.of(bobsEvents.get(0).cursor()), event -> { }));
            assertEquals(ApiException.Kind.OUT_OF_RANGE, tooOld.kind(), tooOld.getMessage());
            assertTrue(tooOld.getMessage().startsWith("cursor too old"), tooOld.getMessage());
            ApiException malformed = assertThrows(ApiException.class,
                    () -> client.watch(Optional.of("not a cursor"), event -> { }));
            assertEquals(ApiException.Kind.INVALID_ARGUMENT, malformed.kind());

            ParleyApi.Subscription last = client.watch(events::add);
            bobNode.close();
            EventView unlinked = next(events, event -> event.type().equals(EventView.UNLINKED));
            assertEquals(bobId, unlinked.peer().peerId());

            // Bob is gone: a message to him waits in the outbox, and the watcher is told the counts.
            client.send(bobId, "are you there?");
            // (Counts are told after every burst of changes to our messages: one told a moment
            // earlier, unchanged, may come first.)
            EventView outbox = next(events, event -> event.type().equals(EventView.OUTBOX)
                    && event.outbox().outbox() > 0);
            assertEquals(new OutboxView(1, 0), outbox.outbox());
            last.close();

            // A watch closed here ends quietly; one the daemon ends is told why, once.
            BlockingQueue<String> ends = new LinkedBlockingQueue<>();
            client.watch(Optional.empty(), event -> { }, ends::add).close();
            client.watch(Optional.empty(), event -> { }, ends::add);
            server.close();
            String reason = ends.poll(30, TimeUnit.SECONDS);
            assertTrue(reason != null && !reason.isEmpty(), "the end of the daemon's stream is told");
            assertEquals(null, ends.poll(500, TimeUnit.MILLISECONDS), "and only that one");
        }
    }

    private static EventView next(BlockingQueue<EventView> events, Predicate<EventView> wanted) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            EventView event = events.poll(100, TimeUnit.MILLISECONDS);
            if (event != null && wanted.test(event)) {
                return event;
            }
        }
        throw new AssertionError("no such event came");
    }

    private static void awaitHistory(ParleyApi api, String peer, int count) throws Exception {
        Eventually.await(() -> api.history(peer, 10, Optional.empty()).stream()
                .filter(m -> m.direction().equals("in")).count() >= count, count + " messages from " + peer);
    }
}
