package org.parley.tui.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.parley.api.ContactView;
import org.parley.api.EventView;
import org.parley.api.GroupView;
import org.parley.api.GroupMessageView;
import org.parley.api.MessageView;
import org.parley.api.PeerView;
import org.parley.tui.model.Conversation;

class NodeSyncTest {
    private static final String ADA = FakeNode.peerId(2);
    private static final String BOB = FakeNode.peerId(3);
    private static final String STRANGER = FakeNode.peerId(5);

    @Test
    void startListsContactsOpensTheFirstAndCountsWaitingRequestsUnread() {
        ControllerHarness chat = new ControllerHarness();
        chat.node.contact(BOB, "bob");
        chat.node.contact(ADA, "ada");
        chat.node.requests.add(FakeNode.request("r1", STRANGER, "hello", 5));
        chat.node.peers.add(new PeerView(ADA, "127.0.0.1:1", "outbound", 0, "test"));
        chat.start();
        assertEquals(ADA, chat.open(), "the first contact in list order");
        assertEquals("me", chat.state.ownName());
        assertEquals(1, chat.state.conversations().get(STRANGER).orElseThrow().unread());
        assertEquals(1, chat.state.links());
        assertTrue(chat.state.conversations().get(ADA).orElseThrow().online());
        assertEquals(3, chat.state.outbox());
        assertEquals(1, chat.unreadTotals.get(chat.unreadTotals.size() - 1));
    }

    @Test
    void theOutboxCountsAreAskedOnceAtStartThenFollowTheNodesEvents() {
        ControllerHarness chat = new ControllerHarness();
        chat.start();
        assertEquals(3, chat.state.outbox(), "the fake node's status at start");
        chat.event(EventView.outbox(new org.parley.api.OutboxView(5, 2)));
        assertEquals(5, chat.state.outbox());
        chat.event(EventView.outbox(new org.parley.api.OutboxView(0, 0)));
        assertEquals(0, chat.state.outbox());
        assertEquals(1, chat.node.count("status"), "the counts were not asked again");
    }

    @Test
    void aMessageElsewhereRingsAndCountsAndOneInTheOpenConversationDoesNot() {
        ControllerHarness chat = new ControllerHarness();
        chat.node.contact(ADA, "ada");
        chat.node.contact(BOB, "bob");
        chat.start();
        chat.event(new EventView(EventView.MESSAGE, FakeNode.incoming("m1", ADA, "here", 5)));
        assertTrue(chat.bells.isEmpty());
        chat.event(new EventView(EventView.MESSAGE, FakeNode.incoming("m2", BOB, "there", 6)));
        assertEquals(1, chat.bells.size());
        assertEquals(1, chat.state.conversations().get(BOB).orElseThrow().unread());
        chat.event(new EventView(EventView.UPDATE, FakeNode.incoming("m2", BOB, "there", 6)));
        assertEquals(1, chat.state.conversations().get(BOB).orElseThrow().unread(), "an update is no new message");
        assertEquals(List.of("there"), chat.texts(BOB));
    }

    @Test
    void aStrangersMessageOpensARequestAndAPostInAnUnknownGroupAsksForTheGroups() {
        ControllerHarness chat = new ControllerHarness();
        chat.node.contact(ADA, "ada");
        chat.start();
        MessageView hello = FakeNode.request("r1", STRANGER, "hello", 5);
        chat.event(new EventView(EventView.MESSAGE, hello));
        assertEquals(Conversation.Kind.REQUEST, chat.state.conversations().get(STRANGER).orElseThrow().kind());

        String group = FakeNode.groupId(9);
        chat.node.group(group, "club", "joined");
        long groupsAsked = chat.node.count("groups");
        chat.event(new EventView(EventView.GROUP, null,
                new GroupMessageView(group, FakeNode.groupId(1000), ADA, "posted", 7, 7, 1)));
        assertEquals(groupsAsked + 1, chat.node.count("groups"));
        assertEquals("club", chat.state.conversations().get(group).orElseThrow().title());
        assertEquals("ada", chat.state.timeline(group).entries().get(0).sender());
    }

    @Test
    void aGroupWeLeftElsewhereLeavesTheListOnItsEvent() {
        String group = FakeNode.groupId(9);
        ControllerHarness chat = new ControllerHarness();
        chat.node.group(group, "club", "joined");
        chat.start();
        assertEquals(group, chat.open());
        chat.event(EventView.group(new GroupView(group, "club", "removed", null, 1, false, 3, Map.of())));
        assertTrue(chat.state.conversations().get(group).isEmpty());
    }

    @Test
    void invitationsContactsAndLinksArriveAsEventsAndRefreshPollsOnlyTheCounts() {
        ControllerHarness chat = new ControllerHarness();
        chat.node.contact(ADA, "ada");
        chat.start();
        long peersAsked = chat.node.count("peers");
        long groupsAsked = chat.node.count("groups");

        String group = FakeNode.groupId(7);
        chat.event(EventView.group(new GroupView(group, "book club", "invited", ADA, 2, false, 0, Map.of()))
                .at("e-1"));
        assertEquals(Conversation.Kind.INVITATION, chat.state.conversations().get(group).orElseThrow().kind());

        chat.event(EventView.contact(new ContactView(BOB, "bob", "contact", 1, Map.of())).at("e-2"));
        assertEquals("bob", chat.state.conversations().get(BOB).orElseThrow().title());

        chat.event(EventView.link(true, new PeerView(BOB, "127.0.0.1:2", "inbound", 0, "test")).at("e-3"));
        assertTrue(chat.state.conversations().get(BOB).orElseThrow().online());
        assertEquals(1, chat.state.links());
        chat.event(EventView.link(false, new PeerView(BOB, "", "", 0, "", "", null)).at("e-4"));
        assertTrue(!chat.state.conversations().get(BOB).orElseThrow().online());
        assertEquals(0, chat.state.links());

        chat.event(EventView.contact(new ContactView(BOB, "", "removed", 0, Map.of())).at("e-5"));
        assertTrue(chat.state.conversations().get(BOB).isEmpty());
        assertEquals(Optional.of("e-5"), chat.controller.cursor(), "a new watch resumes after the last event");

        chat.controller.refresh();
        chat.requests.settle();
        assertEquals(peersAsked, chat.node.count("peers"), "links come as events");
        assertEquals(groupsAsked, chat.node.count("groups"), "invitations and group changes come as events");
    }
}
