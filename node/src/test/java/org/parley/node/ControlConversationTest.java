package org.parley.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
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
import org.parley.api.GroupMessageView;
import org.parley.api.GroupView;
import org.parley.api.MessageView;
import org.parley.api.ParleyApi;
import org.parley.api.ReactionView;
import org.parley.control.ControlClient;

/**
 * Replies, reactions, edits and deletions through the control socket of a real node, in a direct
 * conversation and a group with a second real node: the calls, their refusals as status codes,
 * and the {@code message_changed} / {@code group_message_changed} events a watcher gets; read
 * receipts and typing indicators turned on, sent and watched ({@code read}, {@code typing}).
 */
class ControlConversationTest {
    @TempDir
    Path directory;

    private MemoryNodes nodes;

    @BeforeEach
    void nodesInTheDirectory() {
        nodes = new MemoryNodes(directory);
    }

    @Test
    void changesTravelOverTheControlApiAndReachThePeerAndTheWatchers() throws Exception {
        try (AliceAndBob pair = new AliceAndBob(nodes)) {
            String aliceId = pair.aliceId;
            String bobId = pair.bobId;
            ParleyNode bobNode = pair.bobNode;
            ControlClient client = pair.client;
            BlockingQueue<EventView> events = new LinkedBlockingQueue<>();
            ParleyApi.Subscription watching = client.watch(events::add);
            client.addContact(bobId, "bob");
            bobNode.api().addContact(aliceId, "alice");

            MessageView question = client.send(bobId, "tea?");
            MessageView atBob = awaitAt(bobNode.api(), aliceId, question.id(), m -> true);
            MessageView answer = bobNode.api().send(aliceId, "yes please", Optional.of(atBob.id()));
            assertEquals(question.id(), answer.replyTo());
            assertEquals(question.id(), awaitAt(client, bobId, answer.id(), m -> true).replyTo(),
                    "the reply's quote reaches the client over the control API");

            MessageView reacted = client.react(bobId, answer.id(), "🍵");
            assertEquals(List.of(new ReactionView(aliceId, "🍵")), reacted.reactions());
            awaitAt(bobNode.api(), aliceId, answer.id(), m -> m.reactions().equals(reacted.reactions()));
            EventView changed = next(events, event -> event.type().equals(EventView.MESSAGE_CHANGED));
            assertEquals(answer.id(), changed.message().id());

            client.edit(bobId, question.id(), "green tea?");
            assertTrue(awaitAt(bobNode.api(), aliceId, question.id(), MessageView::edited).text().equals("green tea?"));
            bobNode.api().delete(aliceId, answer.id());
            EventView deleted = next(events, event -> event.type().equals(EventView.MESSAGE_CHANGED)
                    && event.message().deleted());
            assertEquals(answer.id(), deleted.message().id());
            assertEquals("", deleted.message().text());
            assertTrue(awaitAt(client, bobId, answer.id(), MessageView::deleted).reactions().isEmpty());

            ApiException notYours = assertThrows(ApiException.class, () -> client.edit(bobId, answer.id(), "mine now"));
            assertEquals(ApiException.Kind.PERMISSION_DENIED, notYours.kind(), notYours.getMessage());
            ApiException unknown = assertThrows(ApiException.class,
                    () -> client.react(bobId, "00".repeat(16), "👍"));
            assertEquals(ApiException.Kind.NOT_FOUND, unknown.kind());
            ApiException escape = assertThrows(ApiException.class,
                    () -> client.react(bobId, question.id(), "\u001b[2J"));
            assertEquals(ApiException.Kind.INVALID_ARGUMENT, escape.kind());
            ApiException badId = assertThrows(ApiException.class, () -> client.delete(bobId, "not an id"));
            assertEquals(ApiException.Kind.INVALID_ARGUMENT, badId.kind());

            // Read receipts and typing (decision 0053): off until both turn them on.
            assertFalse(client.contacts().get(0).readReceipts());
            ApiException badSwitch = assertThrows(ApiException.class,
                    () -> client.setSignals("p1xnotapeer", Optional.of(true), Optional.empty()));
            assertEquals(ApiException.Kind.INVALID_ARGUMENT, badSwitch.kind());
            org.parley.api.ContactView switched = client.setSignals(bobId, Optional.of(true), Optional.of(true));
            assertTrue(switched.readReceipts() && switched.typing());
            assertTrue(client.contacts().get(0).readReceipts(), "contacts list the switches");
            bobNode.api().setSignals(aliceId, Optional.of(true), Optional.of(true));
            MessageView toRead = client.send(bobId, "read me");
            awaitAt(bobNode.api(), aliceId, toRead.id(), m -> true);
            org.parley.api.MarkedReadView marked = bobNode.api().markRead(aliceId, Optional.empty());
            assertEquals(toRead.id(), marked.upTo());
            assertTrue(marked.receiptSent());
            EventView read = next(events, event -> event.type().equals(EventView.READ));
            assertEquals(new org.parley.api.ReadView(bobId, toRead.id(), read.read().readAt()), read.read());
            assertEquals("read", awaitAt(client, bobId, toRead.id(), m -> m.state().equals("read")).state());
            assertTrue(bobNode.api().typing(aliceId, true));
            EventView typing = next(events, event -> event.type().equals(EventView.TYPING));
            assertEquals(new org.parley.api.TypingView(bobId, true), typing.typing());
            ApiException notHers = assertThrows(ApiException.class,
                    () -> client.markRead(bobId, Optional.of(toRead.id())));
            assertEquals(ApiException.Kind.NOT_FOUND, notHers.kind(), "one can mark only the peer's messages read");

            GroupView club = client.createGroup("club");
            client.inviteToGroup(club.groupId(), bobId, false);
            awaitInvitation(bobNode.api(), club.groupId());
            bobNode.api().joinGroup(club.groupId());
            GroupMessageView post = bobNode.api().sendToGroup(club.groupId(), "hello club");
            awaitGroupMessage(client, club.groupId(), post.entryId(), m -> true);
            GroupMessageView reply = client.sendToGroup(club.groupId(), "hi bob", Optional.of(post.entryId()));
            assertEquals(post.entryId(), reply.replyTo());
            client.reactInGroup(club.groupId(), post.entryId(), "👋");
            awaitGroupMessage(bobNode.api(), club.groupId(), post.entryId(), m -> !m.reactions().isEmpty());
            bobNode.api().editInGroup(club.groupId(), post.entryId(), "hello, club");
            EventView groupChanged = next(events, event -> event.type().equals(EventView.GROUP_MESSAGE_CHANGED)
                    && event.groupMessage().edited());
            assertEquals("hello, club", groupChanged.groupMessage().text());
            ApiException notAuthor = assertThrows(ApiException.class,
                    () -> client.deleteInGroup(club.groupId(), post.entryId()));
            assertEquals(ApiException.Kind.PERMISSION_DENIED, notAuthor.kind());
            assertFalse(client.groupHistory(club.groupId(), 10).stream().anyMatch(m -> m.text().isEmpty()),
                    "the posts carrying changes are not in the history");
            watching.close();
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

    private static MessageView awaitAt(ParleyApi api, String peer, String id, Predicate<MessageView> wanted)
            throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            Optional<MessageView> found = api.history(peer, 100, Optional.empty()).stream()
                    .filter(m -> m.id().equals(id) && wanted.test(m)).findFirst();
            if (found.isPresent()) {
                return found.get();
            }
            Thread.sleep(50);
        }
        throw new AssertionError("message " + id + " did not arrive as expected");
    }

    private static GroupMessageView awaitGroupMessage(ParleyApi api, String group, String entryId,
                                                      Predicate<GroupMessageView> wanted) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            Optional<GroupMessageView> found = api.groupHistory(group, 100).stream()
                    .filter(m -> m.entryId().equals(entryId) && wanted.test(m)).findFirst();
            if (found.isPresent()) {
                return found.get();
            }
            Thread.sleep(50);
        }
        throw new AssertionError("group message " + entryId + " did not arrive as expected");
    }

    private static void awaitInvitation(ParleyApi api, String group) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (api.groups().stream().noneMatch(g -> g.groupId().equals(group))) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the invitation did not arrive");
            }
            Thread.sleep(50);
        }
    }
}
