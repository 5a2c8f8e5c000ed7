package org.parley.tui.app;

import java.util.HashSet;
import java.util.List;
import java.util.Optional;
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
 * requests, groups, linked peers, the outbox counts), then what its events announce (messages,
 * contacts, invitations and other group changes, links coming up and going down, the outbox
 * counts). Nothing is asked again while the events flow.
 */
final class NodeSync {
    /** Message requests listed at start; older strangers show up when they write again. */
    private static final int MAX_REQUESTS = 100;

    private final ChatContext chat;
    private final HistoryPager history;
    private final Navigator navigator;
    private final ReadTracker reads;
    private boolean contactsListed;
    private final Set<String> linked = new HashSet<>();
    private Optional<String> cursor = Optional.empty();

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
        chat.node.submit(api -> api.peers(), this::peers, error -> { });
        chat.node.submit(api -> api.groups(), this::groups, error -> { });
        refresh();
    }

    /** Asks the outbox counts, which events keep from then on. */
    void refresh() {
        chat.node.submit(api -> api.status(), status -> chat.state.counts(status.outbox(), status.relayed()),
                error -> chat.state.unreachable(error));
    }

    /** The cursor of the last event seen: a new watch resumes from it. */
    Optional<String> cursor() {
        return cursor;
    }

    void onEvent(EventView event) {
        if (!event.cursor().isEmpty()) {
            cursor = Optional.of(event.cursor());
        }
        switch (event.type()) {
            case EventView.MESSAGE, EventView.UPDATE, EventView.MESSAGE_CHANGED -> onMessage(event);
            case EventView.GROUP, EventView.GROUP_MESSAGE_CHANGED -> onGroupMessage(event.groupMessage());
            case EventView.CONTACT -> onContact(event.contact());
            case EventView.INVITATION, EventView.GROUP_CHANGED -> {
                showGroup(event.group());
                navigator.openOneIfNoneIs();
            }
            case EventView.LINKED -> {
                linked.add(event.peer().peerId());
                showLinks();
            }
            case EventView.UNLINKED -> {
                linked.remove(event.peer().peerId());
                showLinks();
            }
            case EventView.OUTBOX -> chat.state.counts(event.outbox().outbox(), event.outbox().relayed());
            case EventView.FILE -> onFile(event.file());
            case EventView.READ -> onRead(event.read());
            case EventView.TYPING -> chat.state.typing(event.typing().groupId() != null ? event.typing().groupId()
                    : event.typing().peerId(), event.typing().peerId(), event.typing().active(), chat.now());
            default -> {
                // "watching", and types a newer node may add
            }
        }
    }

    private void onContact(ContactView contact) {
        if ("contact".equals(contact.status())) {
            chat.state.conversations().put(Conversation.Kind.CONTACT, contact.peerId(), contact.name());
            showLinks();
            navigator.openOneIfNoneIs();
        } else {
            chat.state.conversations().remove(contact.peerId());
        }
    }

    private void onMessage(EventView event) {
        MessageView message = event.message();
        String id = message.peerId();
        boolean incoming = "in".equals(message.direction());
        if (chat.state.conversations().get(id).isEmpty()) {
            chat.state.conversations().put(message.request() ? Conversation.Kind.REQUEST : Conversation.Kind.CONTACT,
                    id, ChatContext.shortId(id));
            showLinks();
        }
        if (message.file() != null) {
            chat.state.timeline(id).putFile(message.id(), message.file());
        }
        boolean added = EventView.UPDATE.equals(event.type()) ? chat.state.timeline(id).putState(chat.entry(message))
                : chat.state.timeline(id).put(chat.entry(message));
        if (incoming && added && EventView.MESSAGE.equals(event.type())) {
            chat.state.typing(id, false, chat.now());
            arrived(id);
        }
        history.ensureLoaded();
    }

    /**
     * A contact read our messages up to one: it and every own message before it shows as read.
     * One not loaded here shows read when its history loads (the node reports the state).
     */
    private void onRead(org.parley.api.ReadView read) {
        if (read.groupId() != null) {
            onGroupRead(read);
            return;
        }
        org.parley.tui.model.Timeline timeline = chat.state.timeline(read.peerId());
        timeline.entries().stream().filter(entry -> entry.id().equals(read.upTo())).findFirst().ifPresent(upTo ->
                List.copyOf(timeline.entries()).stream()
                        .filter(entry -> entry.own() && entry.at() <= upTo.at()
                                && entry.mark() != org.parley.tui.model.DeliveryMark.FAILED)
                        .forEach(entry -> timeline.put(new org.parley.tui.model.TimelineEntry(entry.id(), true,
                                entry.sender(), entry.text(), entry.at(), org.parley.tui.model.DeliveryMark.READ,
                                entry.reason(), entry.extras()))));
    }

    /**
     * A member read a group up to an entry (decision 0062): it and every own post before it in the
     * group's order, which the timeline keeps, shows as read. One not loaded here changes nothing.
     */
    private void onGroupRead(org.parley.api.ReadView read) {
        List<org.parley.tui.model.TimelineEntry> entries = List.copyOf(chat.state.timeline(read.groupId()).entries());
        int upTo = -1;
        for (int i = 0; i < entries.size(); i++) {
            if (entries.get(i).id().equals(read.upTo())) {
                upTo = i;
            }
        }
        for (int i = 0; i <= upTo; i++) {
            org.parley.tui.model.TimelineEntry entry = entries.get(i);
            if (entry.own()) {
                chat.state.timeline(read.groupId()).put(new org.parley.tui.model.TimelineEntry(entry.id(), true,
                        entry.sender(), entry.text(), entry.at(), org.parley.tui.model.DeliveryMark.READ,
                        entry.reason(), entry.extras()));
            }
        }
    }

    /** A file's state or progress: its row under the message that offered it moves on (no polling). */
    private void onFile(org.parley.api.FileEventView file) {
        if (file.messageId() == null) {
            return;
        }
        String conversation = file.groupId() != null ? file.groupId() : file.peerId();
        chat.state.timeline(conversation).putFile(file.messageId(), file.file());
    }

    private void onGroupMessage(GroupMessageView message) {
        String groupId = message.groupId();
        if (message.file() != null) {
            chat.state.timeline(groupId).putFile(message.entryId(), message.file());
        }
        if (chat.state.conversations().get(groupId).isEmpty()) {
            chat.node.submit(api -> api.groups(), this::groups, chat::error);
        }
        boolean own = message.senderId().equals(chat.state.ownPeerId());
        if (chat.state.timeline(groupId).put(chat.entry(message)) && !own) {
            chat.state.typing(groupId, message.senderId(), false, chat.now());
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
        showLinks();
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
        showLinks();
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
        linked.clear();
        linked.addAll(peers.stream().map(PeerView::peerId).collect(Collectors.toSet()));
        showLinks();
    }

    private void showLinks() {
        chat.state.conversations().online(Set.copyOf(linked));
        chat.state.links(linked.size());
    }
}
