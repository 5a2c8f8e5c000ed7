package org.parley.tui.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Set;
import org.junit.jupiter.api.Test;

class ConversationListTest {
    private static ConversationList sample() {
        ConversationList list = new ConversationList();
        list.put(Conversation.Kind.REQUEST, "p1stranger", "stranger");
        list.put(Conversation.Kind.CONTACT, "p1bob", "bob");
        list.put(Conversation.Kind.CONTACT, "p1alice", "Alice");
        list.put(Conversation.Kind.GROUP, "g1", "friends");
        list.put(Conversation.Kind.INVITATION, "g2", "book club");
        return list;
    }

    @Test
    void groupsThenInvitationsThenContactsThenRequests() {
        assertEquals(java.util.List.of("friends", "book club", "Alice", "bob", "stranger"),
                sample().ordered().stream().map(Conversation::title).toList());
    }

    @Test
    void unreadCountsOutsideTheOpenConversationAndClearsOnOpening() {
        ConversationList list = sample();
        list.select("p1alice");
        list.incoming("p1alice");
        list.incoming("p1bob");
        list.incoming("p1bob");
        list.incoming("p1stranger");
        assertEquals(0, list.get("p1alice").orElseThrow().unread());
        assertEquals(3, list.totalUnread());
        assertTrue(list.selectNextUnread());
        assertEquals("p1bob", list.selected().orElseThrow().id());
        assertEquals(1, list.totalUnread());
        assertTrue(list.selectNextUnread());
        assertEquals("p1stranger", list.selected().orElseThrow().id());
        assertFalse(list.selectNextUnread());
    }

    @Test
    void movesWrapAndAcceptedRequestsKeepTheirUnreadCount() {
        ConversationList list = sample();
        list.select("g1");
        list.move(-1);
        assertEquals("p1stranger", list.selected().orElseThrow().id());
        list.move(1);
        assertEquals("g1", list.selected().orElseThrow().id());
        list.incoming("p1stranger");
        list.put(Conversation.Kind.CONTACT, "p1stranger", "carol");
        assertEquals(1, list.get("p1stranger").orElseThrow().unread());
        assertEquals(Conversation.Kind.CONTACT, list.get("p1stranger").orElseThrow().kind());
    }

    @Test
    void nothingOpensByItselfSoARequestBeforeTheContactsCountsUnread() {
        ConversationList list = new ConversationList();
        list.put(Conversation.Kind.REQUEST, "p1stranger", "stranger");
        list.incoming("p1stranger");
        assertTrue(list.selected().isEmpty());
        assertEquals(1, list.totalUnread());
        assertTrue(list.firstToOpen().isEmpty(), "a request is never opened for the user");
        list.put(Conversation.Kind.GROUP, "g1", "friends");
        assertEquals("g1", list.firstToOpen().orElseThrow().id());
        list.put(Conversation.Kind.CONTACT, "p1bob", "bob");
        assertEquals("p1bob", list.firstToOpen().orElseThrow().id(), "a contact before the groups");
        assertEquals(1, list.get("p1stranger").orElseThrow().unread());
    }

    @Test
    void onlineMarksFollowTheLinkedPeers() {
        ConversationList list = sample();
        list.online(Set.of("p1bob"));
        assertTrue(list.get("p1bob").orElseThrow().online());
        assertFalse(list.get("p1alice").orElseThrow().online());
        list.remove("p1bob");
        assertTrue(list.get("p1bob").isEmpty());
    }

    @Test
    void aJoinedInvitationBecomesAGroupWithItsUnreadCountAndGroupsIgnoreLinks() {
        ConversationList list = sample();
        list.select("p1alice");
        list.incoming("g2");
        list.put(Conversation.Kind.GROUP, "g2", "book club");
        assertEquals(1, list.get("g2").orElseThrow().unread());
        assertEquals(java.util.List.of("book club", "friends"), list.ordered().stream()
                .filter(Conversation::isGroup).map(Conversation::title).toList());
        list.online(Set.of("g1", "p1alice"));
        assertFalse(list.get("g1").orElseThrow().online());
        assertTrue(list.get("p1alice").orElseThrow().online());
    }
}
