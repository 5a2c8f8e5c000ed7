package org.parley.tui.app;

import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.parley.api.ContactView;
import org.parley.api.EventView;
import org.parley.api.GroupMessageView;
import org.parley.api.GroupView;
import org.parley.api.IdentityView;
import org.parley.api.MessageView;
import org.parley.api.PeerView;
import org.parley.tui.model.Conversation;
import org.parley.tui.model.TimelineEntry;

/**
 * Keeps the state in step with the node: what it holds at start (identity, contacts, message
 * requests, groups), what it says every few seconds (linked peers, groups, outbox counts) and
 * the messages its events announce.
 */
final class NodeSync {
    /** Message requests listed at start; older strangers show up when they write again. */
    private static final int MAX_REQUESTS = 100;

    private final ChatContext chat;
    private final HistoryPager history;
    private final Navigator navigator;
    private final ReadTracker reads;
    private boolean contactsListed;

    NodeSync(ChatContext chat, HistoryPager history, Navigator navigator, ReadTracker reads) {
        this.chat = chat;
        this.history = history;
        this.navigator = navigator;
        this.reads = reads;
    }

    /** Loads who we are, the contacts, the message requests, the groups and the linked peers. */
    void start() {
        chat.node.submit(api -> api.identity(), this::identity, chat::error);
        chat.node.submit(api -> api.contacts(), this::contacts, chat::error);
        chat.node.submit(api -> api.messageRequests(MAX_REQUESTS), this::requests, chat::error);
        refresh();
    }

    /**
     * Asks which peers are linked (online markers and the link count), which groups we are in or
     * invited to (no event announces an invitation) and the outbox counts.
     */
    void refresh() {
        chat.node.submit(api -> api.peers(), this::peers, error -> { });
        chat.node.submit(api -> api.groups(), this::groups, error -> { });
        chat.node.submit(api -> api.status(), status -> chat.state.counts(status.outbox(), status.relayed()),
                error -> chat.state.unreachable(error));
    }

    void onEvent(EventView event) {
        if (EventView.GROUP.equals(event.type())) {
            onGroupMessage(event.groupMessage());
            return;
        }
        MessageView message = event.message();
        String id = message.peerId();
        boolean incoming = "in".equals(message.direction());
        if (chat.state.conversations().get(id).isEmpty()) {
            chat.state.conversations().put(message.request() ? Conversation.Kind.REQUEST : Conversation.Kind.CONTACT,
                    id, ChatContext.shortId(id));
        }
        boolean added = chat.state.timeline(id).put(chat.entry(message));
        if (incoming && added && EventView.MESSAGE.equals(event.type())) {
            arrived(id);
        }
        history.ensureLoaded();
    }

    private void onGroupMessage(GroupMessageView message) {
        String groupId = message.groupId();
        if (chat.state.conversations().get(groupId).isEmpty()) {
            chat.node.submit(api -> api.groups(), this::groups, chat::error);
        }
        boolean own = message.senderId().equals(chat.state.ownPeerId());
        if (chat.state.timeline(groupId).put(chat.entry(message)) && !own) {
            arrived(groupId);
        }
    }

    /**
     * A new incoming message in a conversation: read when it is open; else unread, with the bell
     * unless the conversation is muted.
     */
    private void arrived(String id) {
        boolean open = chat.state.conversations().selected().map(Conversation::id).filter(id::equals).isPresent();
        chat.state.conversations().incoming(id);
        if (open) {
            reads.openShown();
        } else if (!reads.muted(id)) {
            chat.notifier.bell();
            chat.notifier.unread(chat.state.conversations().totalUnread());
        }
    }

    private void identity(IdentityView identity) {
        chat.state.identity(identity.name(), identity.peerId());
    }

    /**
     * Lists the contacts and opens the first (groups may load sooner, but a greeting waits there);
     * each contact's latest history loads, to count what came since it was last read.
     */
    private void contacts(List<ContactView> contacts) {
        contacts.stream().filter(contact -> "contact".equals(contact.status()))
                .forEach(contact -> chat.state.conversations().put(Conversation.Kind.CONTACT, contact.peerId(),
                        contact.name()));
        if (contactsListed) {
            navigator.openOneIfNoneIs();
        } else {
            chat.state.conversations().firstToOpen().ifPresent(first -> navigator.open(first.id()));
            contactsListed = true;
        }
        contacts.stream().filter(contact -> "contact".equals(contact.status()))
                .forEach(contact -> chat.state.conversations().get(contact.peerId()).ifPresent(history::preload));
    }

    /**
     * Message requests that came while no client was open: each listed with its newest message,
     * counted unread once unless an earlier client showed it.
     */
    private void requests(List<MessageView> requests) {
        for (MessageView message : requests) {
            String id = message.peerId();
            if (chat.state.conversations().get(id).isEmpty()) {
                chat.state.conversations().put(Conversation.Kind.REQUEST, id, ChatContext.shortId(id));
                TimelineEntry newest = chat.entry(message);
                chat.state.timeline(id).put(newest);
                if (reads.requestUnread(id, newest)) {
                    chat.state.conversations().incoming(id);
                }
            }
        }
        chat.notifier.unread(chat.state.conversations().totalUnread());
    }

    void groups(List<GroupView> groups) {
        groups.forEach(this::showGroup);
        navigator.openOneIfNoneIs();
    }

    /** Lists a group we are in or invited to; one we left or were removed from leaves the list. */
    void showGroup(GroupView group) {
        switch (group.status()) {
            case "joined" -> {
                chat.state.conversations().put(Conversation.Kind.GROUP, group.groupId(), group.name());
                chat.state.conversations().get(group.groupId()).ifPresent(history::preload);
            }
            case "invited" -> chat.state.conversations().put(Conversation.Kind.INVITATION, group.groupId(),
                    group.name());
            default -> chat.state.conversations().remove(group.groupId());
        }
        history.ensureLoaded();
    }

    /** Marks which direct conversations' peers are linked, and counts the links. */
    void peers(List<PeerView> peers) {
        Set<String> linked = peers.stream().map(PeerView::peerId).collect(Collectors.toSet());
        chat.state.conversations().online(linked);
        chat.state.links(peers.size());
    }
}
