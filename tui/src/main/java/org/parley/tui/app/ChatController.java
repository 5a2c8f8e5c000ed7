package org.parley.tui.app;

import com.googlecode.lanterna.input.KeyStroke;
import com.googlecode.lanterna.input.KeyType;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.parley.api.ContactView;
import org.parley.api.EventView;
import org.parley.api.GroupMemberView;
import org.parley.api.GroupMessageView;
import org.parley.api.GroupView;
import org.parley.api.IdentityView;
import org.parley.api.MessageView;
import org.parley.api.PeerView;
import org.parley.api.ShortPeerId;
import org.parley.identity.Fingerprint;
import org.parley.identity.InvalidPeerIdException;
import org.parley.identity.PeerId;
import org.parley.tui.model.Command;
import org.parley.tui.model.CommandParser;
import org.parley.tui.model.Completion;
import org.parley.tui.model.Conversation;
import org.parley.tui.model.InputLine;
import org.parley.tui.model.Timeline;
import org.parley.tui.model.TimelineEntry;
import org.parley.tui.model.TimelineLayout;
import org.parley.tui.text.QrText;

/**
 * What keys, commands and node events do to the {@link ChatState}. Runs on the UI thread only;
 * every request to the node goes through the {@link ApiWorker} and comes back as a posted result.
 */
public final class ChatController {
    /** Message requests listed at start; older strangers show up when they write again. */
    private static final int MAX_REQUESTS = 100;
    /** Messages loaded per history page. */
    static final int PAGE = 50;
    private static final int SEARCH_PAGE = 500;
    private static final String IN_A_GROUP = " works in an open group";

    private final ChatState state;
    private final ApiWorker worker;
    private final Notifier notifier;
    private final TimelineLayout layout;
    private final Set<String> historyAsked = new HashSet<>();
    private boolean loadingOlder;

    public ChatController(ChatState state, ApiWorker worker, Notifier notifier, ZoneId zone) {
        this.state = state;
        this.worker = worker;
        this.notifier = notifier;
        this.layout = new TimelineLayout(zone);
    }

    public TimelineLayout layout() {
        return layout;
    }

    /** Loads who we are, the contacts, the message requests, the groups and the linked peers. */
    public void start() {
        worker.submit(api -> api.identity(), this::identity, this::error);
        worker.submit(api -> api.contacts(), this::contacts, this::error);
        worker.submit(api -> api.messageRequests(MAX_REQUESTS), this::requests, this::error);
        refresh();
    }

    /**
     * Asks which peers are linked (online markers and the link count), which groups we are in or
     * invited to (no event announces an invitation) and the outbox counts; called every few seconds.
     */
    public void refresh() {
        worker.submit(api -> api.peers(), this::peers, error -> { });
        worker.submit(api -> api.groups(), this::groups, error -> { });
        worker.submit(api -> api.status(), status -> state.counts(status.outbox(), status.relayed()), error -> { });
    }

    /** A message event from the node. */
    public void onEvent(EventView event) {
        if (EventView.GROUP.equals(event.type())) {
            onGroupMessage(event.groupMessage());
            return;
        }
        MessageView message = event.message();
        String id = message.peerId();
        boolean incoming = "in".equals(message.direction());
        if (state.conversations().get(id).isEmpty()) {
            state.conversations().put(message.request() ? Conversation.Kind.REQUEST : Conversation.Kind.CONTACT,
                    id, shortId(id));
        }
        boolean added = state.timeline(id).put(entry(message));
        if (incoming && added && EventView.MESSAGE.equals(event.type())) {
            arrived(id);
        }
        ensureHistory();
    }

    private void onGroupMessage(GroupMessageView message) {
        String groupId = message.groupId();
        if (state.conversations().get(groupId).isEmpty()) {
            worker.submit(api -> api.groups(), this::groups, this::error);
        }
        boolean own = message.senderId().equals(state.ownPeerId());
        if (state.timeline(groupId).put(entry(message)) && !own) {
            arrived(groupId);
        }
    }

    /** A new incoming message in a conversation: unread, with the bell, unless it is open. */
    private void arrived(String id) {
        boolean open = state.conversations().selected().map(Conversation::id).filter(id::equals).isPresent();
        state.conversations().incoming(id);
        if (!open) {
            notifier.bell();
            notifier.unread(state.conversations().totalUnread());
        }
    }

    public void onKey(KeyStroke key, Geometry geometry) {
        state.notice(null);
        InputLine input = state.input();
        KeyType type = key.getKeyType();
        boolean ctrl = key.isCtrlDown();
        boolean alt = key.isAltDown();
        if (type == KeyType.Character) {
            onCharacter(key.getCharacter(), ctrl, alt, input);
            return;
        }
        switch (type) {
            case Enter -> {
                if (alt) {
                    input.insert("\n");
                } else {
                    submit(input.submit());
                }
            }
            case Backspace -> input.backspace();
            case Delete -> input.delete();
            case ArrowLeft -> {
                if (ctrl || alt) {
                    input.wordLeft();
                } else {
                    input.left();
                }
            }
            case ArrowRight -> {
                if (ctrl || alt) {
                    input.wordRight();
                } else {
                    input.right();
                }
            }
            case ArrowUp -> {
                if (ctrl || alt) {
                    switchConversation(-1);
                } else {
                    input.historyBack();
                }
            }
            case ArrowDown -> {
                if (ctrl || alt) {
                    switchConversation(1);
                } else {
                    input.historyForward();
                }
            }
            case Home -> input.home();
            case End -> input.end();
            case PageUp -> scroll(geometry, Math.max(1, geometry.timelineHeight() - 1));
            case PageDown -> scroll(geometry, -Math.max(1, geometry.timelineHeight() - 1));
            case Tab -> Completion.complete(input, state.conversations().ordered().stream()
                    .map(Conversation::title).toList());
            case F1 -> help();
            case Escape -> state.panel(null);
            default -> {
            }
        }
    }

    private void onCharacter(char c, boolean ctrl, boolean alt, InputLine input) {
        if (ctrl) {
            switch (Character.toLowerCase(c)) {
                case 'a' -> input.home();
                case 'e' -> input.end();
                case 'b' -> input.left();
                case 'f' -> input.right();
                case 'd' -> input.delete();
                case 'h' -> input.backspace();
                case 'w' -> input.cutWordBack();
                case 'u' -> input.cutToStart();
                case 'k' -> input.cutToEnd();
                case 'n' -> switchConversation(1);
                case 'p' -> switchConversation(-1);
                case 'x' -> nextUnread();
                case 'q', 'c' -> state.quit();
                default -> {
                }
            }
        } else if (alt) {
            switch (Character.toLowerCase(c)) {
                case 'b' -> input.wordLeft();
                case 'f' -> input.wordRight();
                case 'a' -> nextUnread();
                default -> {
                }
            }
        } else {
            input.insert(String.valueOf(c));
        }
    }

    private void submit(String line) {
        if (line.isBlank()) {
            return;
        }
        Command command;
        try {
            command = CommandParser.parse(line);
        } catch (CommandParser.BadCommandException e) {
            error(e.getMessage());
            return;
        }
        run(command);
    }

    private void run(Command command) {
        if (command instanceof Command.Say say) {
            say(say.text());
        } else if (command instanceof Command.Add add) {
            addContact(add.peerId(), add.name());
        } else if (command instanceof Command.Accept accept) {
            accept(accept.name());
        } else if (command instanceof Command.Block) {
            block();
        } else if (command instanceof Command.Nick nick) {
            rename(nick.name());
        } else if (command instanceof Command.ShowId) {
            showId();
        } else if (command instanceof Command.Verify) {
            verify();
        } else if (command instanceof Command.Peers) {
            worker.submit(api -> api.peers(), this::showPeers, this::error);
        } else if (command instanceof Command.Search search) {
            search(search.text());
        } else if (command instanceof Command.GroupCreate create) {
            createGroup(create.name());
        } else if (command instanceof Command.GroupInvite invite) {
            inviteToGroup(invite.peer());
        } else if (command instanceof Command.GroupJoin join) {
            joinGroup(join.groupId());
        } else if (command instanceof Command.GroupLeave) {
            leaveGroup();
        } else if (command instanceof Command.GroupRemove remove) {
            removeFromGroup(remove.peer());
        } else if (command instanceof Command.GroupMembers) {
            showMembers();
        } else if (command instanceof Command.Help) {
            help();
        } else if (command instanceof Command.Quit) {
            state.quit();
        }
    }

    private void say(String text) {
        Optional<Conversation> open = state.conversations().selected();
        if (open.isEmpty()) {
            error("no conversation open: add a contact with /add PEER_ID NAME");
            return;
        }
        String id = open.get().id();
        switch (open.get().kind()) {
            case CONTACT, REQUEST -> worker.submit(api -> api.send(id, text),
                    message -> state.timeline(id).put(entry(message)), this::error);
            case GROUP -> worker.submit(api -> api.sendToGroup(id, text),
                    message -> state.timeline(id).put(entry(message)), this::error);
            case INVITATION -> error("join the group first: /group join (or decline: /group leave)");
        }
    }

    private void createGroup(String name) {
        worker.submit(api -> api.createGroup(name), group -> {
            showGroup(group);
            open(group.groupId());
            notice("created " + group.name() + " · invite with /group invite PEER");
        }, this::error);
    }

    private void inviteToGroup(String peer) {
        Optional<Conversation> group = openOf(Conversation.Kind.GROUP, "/group invite" + IN_A_GROUP);
        Optional<String> peerId = group.flatMap(open -> peerIdOf(peer));
        if (group.isPresent() && peerId.isPresent()) {
            String groupId = group.get().id();
            worker.submit(api -> api.inviteToGroup(groupId, peerId.get(), false),
                    invited -> notice("invited " + titleOf(peerId.get()) + " to " + invited.name()), this::error);
        }
    }

    private void joinGroup(String groupId) {
        Optional<String> id = groupId != null ? Optional.of(groupId)
                : openOf(Conversation.Kind.INVITATION, "/group join takes a group ID here (or open the invitation)")
                .map(Conversation::id);
        id.ifPresent(joining -> worker.submit(api -> api.joinGroup(joining), group -> {
            showGroup(group);
            open(group.groupId());
            notice("joined " + group.name());
        }, this::error));
    }

    private void leaveGroup() {
        Optional<Conversation> open = state.conversations().selected().filter(Conversation::isGroup);
        if (open.isEmpty()) {
            error("/group leave" + IN_A_GROUP + " or invitation");
            return;
        }
        String groupId = open.get().id();
        worker.submit(api -> api.leaveGroup(groupId), group -> {
            state.conversations().remove(groupId);
            notice((open.get().kind() == Conversation.Kind.INVITATION ? "declined " : "left ") + group.name());
            ensureHistory();
        }, this::error);
    }

    private void removeFromGroup(String peer) {
        Optional<Conversation> group = openOf(Conversation.Kind.GROUP, "/group remove" + IN_A_GROUP);
        Optional<String> peerId = group.flatMap(open -> peerIdOf(peer));
        if (group.isPresent() && peerId.isPresent()) {
            String groupId = group.get().id();
            worker.submit(api -> api.removeFromGroup(groupId, peerId.get()),
                    removed -> notice("removed " + titleOf(peerId.get()) + " from " + removed.name()), this::error);
        }
    }

    private void showMembers() {
        openOf(Conversation.Kind.GROUP, "/group members" + IN_A_GROUP).ifPresent(group -> worker.submit(
                api -> api.groupMembers(group.id()), members -> state.panel(new ChatState.Panel(
                        "Members of " + group.title() + " (" + members.size() + ")",
                        members.stream().map(this::memberLine).toList())), this::error));
    }

    private String memberLine(GroupMemberView member) {
        return titleOf(member.peerId()) + (member.admin() ? "  admin" : "") + "  " + member.peerId();
    }

    /** The open conversation when it is of {@code kind}; else the error is shown. */
    private Optional<Conversation> openOf(Conversation.Kind kind, String errorText) {
        Optional<Conversation> open = state.conversations().selected().filter(c -> c.kind() == kind);
        if (open.isEmpty()) {
            error(errorText);
        }
        return open;
    }

    /** A contact's peer ID by its name, or a peer ID as given; else the error is shown. */
    private Optional<String> peerIdOf(String peer) {
        Optional<String> byName = state.conversations().ordered().stream()
                .filter(c -> c.kind() == Conversation.Kind.CONTACT && c.title().equals(peer))
                .map(Conversation::id).findFirst();
        if (byName.isPresent()) {
            return byName;
        }
        try {
            return Optional.of(PeerId.parse(peer).toString());
        } catch (InvalidPeerIdException e) {
            error("not a contact's name or a peer ID: " + e.getMessage());
            return Optional.empty();
        }
    }

    private void addContact(String peerId, String name) {
        String checkedId;
        try {
            checkedId = PeerId.parse(peerId).toString();
        } catch (InvalidPeerIdException e) {
            error("not a peer ID: " + e.getMessage());
            return;
        }
        String chosen = name != null ? name : shortId(checkedId);
        worker.submit(api -> api.addContact(checkedId, chosen), contact -> {
            state.conversations().put(Conversation.Kind.CONTACT, contact.peerId(), contact.name());
            open(contact.peerId());
            notice("added " + contact.name());
        }, this::error);
    }

    private void accept(String name) {
        Optional<Conversation> open = state.conversations().selected();
        if (open.isEmpty() || open.get().kind() != Conversation.Kind.REQUEST) {
            error("/accept works in a message request");
            return;
        }
        String peerId = open.get().id();
        String chosen = name != null ? name : open.get().title();
        worker.submit(api -> api.addContact(peerId, chosen), contact -> {
            state.conversations().put(Conversation.Kind.CONTACT, contact.peerId(), contact.name());
            notice("accepted " + contact.name() + " as a contact");
        }, this::error);
    }

    private void block() {
        Optional<Conversation> open = state.conversations().selected();
        if (open.isEmpty() || !open.get().isDirect()) {
            error("/block works in a conversation with a peer");
            return;
        }
        String peerId = open.get().id();
        String title = open.get().title();
        worker.submit(api -> api.blockContact(peerId), blocked -> {
            state.conversations().remove(peerId);
            notice("blocked " + title);
            ensureHistory();
        }, this::error);
    }

    private void rename(String name) {
        Optional<Conversation> open = state.conversations().selected();
        if (open.isEmpty() || open.get().kind() != Conversation.Kind.CONTACT) {
            error("/nick renames the open conversation's contact");
            return;
        }
        String peerId = open.get().id();
        worker.submit(api -> api.addContact(peerId, name), contact -> {
            state.conversations().put(Conversation.Kind.CONTACT, contact.peerId(), contact.name());
            notice("renamed to " + contact.name());
        }, this::error);
    }

    private void showId() {
        worker.submit(api -> api.identity(), identity -> state.panel(new ChatState.Panel("Your ID", List.of(
                "Name:        " + identity.name(),
                "Peer ID:     " + identity.peerId(),
                "Fingerprint: " + identity.fingerprint(),
                "",
                "Give your peer ID to whoever should reach you: /add " + identity.peerId()),
                QrText.encode(identity.peerId()))), this::error);
    }

    private void verify() {
        Optional<Conversation> open = state.conversations().selected();
        if (open.isEmpty() || !open.get().isDirect()) {
            error("/verify works in a conversation with a peer");
            return;
        }
        try {
            String number = Fingerprint.safetyNumber(PeerId.parse(state.ownPeerId()), PeerId.parse(open.get().id()));
            state.panel(new ChatState.Panel("Safety number with " + open.get().title(), List.of(
                    number,
                    "",
                    "Compare it with " + open.get().title() + " in person or on a call:",
                    "the same number on both sides means nobody sits in between.")));
        } catch (InvalidPeerIdException e) {
            error("cannot compute the safety number: " + e.getMessage());
        }
    }

    private void showPeers(List<PeerView> peers) {
        peers(peers);
        List<String> lines = peers.isEmpty() ? List.of("no peer is linked now")
                : peers.stream().map(peer -> titleOf(peer.peerId()) + "  " + peer.address() + "  " + peer.direction())
                .toList();
        state.panel(new ChatState.Panel("Linked peers (" + peers.size() + ")", lines));
    }

    private void search(String text) {
        Optional<Conversation> open = state.conversations().selected()
                .filter(conversation -> conversation.kind() != Conversation.Kind.INVITATION);
        if (open.isEmpty()) {
            error("/search works in a conversation");
            return;
        }
        String id = open.get().id();
        String title = open.get().title();
        latest(open.get(), SEARCH_PAGE, page -> {
            Timeline timeline = state.timeline(id);
            timeline.putOlder(page, SEARCH_PAGE);
            List<String> lines = timeline.search(text).stream()
                    .map(entry -> entry.sender() + ": " + entry.text().replace('\n', ' ')).toList();
            state.panel(new ChatState.Panel("\"" + text + "\" in " + title + " (" + lines.size() + ")",
                    lines.isEmpty() ? List.of("not found") : lines));
        });
    }

    /** The latest {@code limit} messages of a conversation, as entries, to the UI thread. */
    private void latest(Conversation conversation, int limit, Consumer<List<TimelineEntry>> then) {
        String id = conversation.id();
        if (conversation.isDirect()) {
            worker.submit(api -> api.history(id, limit, Optional.empty()),
                    page -> then.accept(page.stream().map(this::entry).toList()), this::error);
        } else {
            worker.submit(api -> api.groupHistory(id, limit),
                    page -> then.accept(page.stream().map(this::entry).toList()), this::error);
        }
    }

    private void help() {
        List<String> lines = new ArrayList<>(List.of(
                "Enter send · Alt-Enter new line · Tab complete · Up/Down input history",
                "Ctrl-A/E start/end · Ctrl-W/U/K cut word/start/end · Alt-B/F or Ctrl-←/→ word",
                "Alt-↑/↓, Ctrl-↑/↓ or Ctrl-P/N switch conversation · Alt-A or Ctrl-X next unread",
                "PgUp/PgDn scroll · Esc close this panel · Ctrl-Q quit",
                ""));
        lines.addAll(CommandParser.USAGE);
        state.panel(new ChatState.Panel("Help", lines));
    }

    private void switchConversation(int step) {
        state.conversations().move(step);
        opened();
    }

    private void nextUnread() {
        if (!state.conversations().selectNextUnread()) {
            notice("no unread messages");
        }
        opened();
    }

    private void open(String id) {
        state.conversations().select(id);
        opened();
    }

    private void opened() {
        state.panel(null);
        notifier.unread(state.conversations().totalUnread());
        ensureHistory();
    }

    /** The open conversation's latest page of history, loaded once (an invitation has none yet). */
    private void ensureHistory() {
        state.conversations().selected()
                .filter(conversation -> conversation.kind() != Conversation.Kind.INVITATION)
                .filter(conversation -> historyAsked.add(conversation.id()))
                .ifPresent(conversation -> latest(conversation, PAGE,
                        page -> state.timeline(conversation.id()).putOlder(page, PAGE)));
    }

    private void scroll(Geometry geometry, int rows) {
        Optional<Conversation> open = state.conversations().selected();
        if (open.isEmpty()) {
            return;
        }
        Timeline timeline = state.timeline(open.get().id());
        int total = layout.rows(timeline.entries(), geometry.timelineWidth()).size();
        int max = Math.max(0, total - geometry.timelineHeight());
        timeline.scroll(rows, max);
        if (rows > 0 && timeline.scrolledRows() == max && timeline.mayHaveOlder()) {
            loadOlder(open.get(), timeline);
        }
    }

    private void loadOlder(Conversation conversation, Timeline timeline) {
        Optional<String> before = timeline.oldest().map(TimelineEntry::id);
        if (loadingOlder || before.isEmpty()) {
            return;
        }
        loadingOlder = true;
        String id = conversation.id();
        Consumer<List<TimelineEntry>> older = page -> {
            loadingOlder = false;
            timeline.putOlder(page, PAGE);
        };
        Consumer<String> failed = message -> {
            loadingOlder = false;
            error(message);
        };
        if (conversation.isDirect()) {
            worker.submit(api -> api.history(id, PAGE, before),
                    page -> older.accept(page.stream().map(this::entry).toList()), failed);
        } else {
            worker.submit(api -> api.groupHistory(id, PAGE, before),
                    page -> older.accept(page.stream().map(this::entry).toList()), failed);
        }
    }

    private void identity(IdentityView identity) {
        state.identity(identity.name(), identity.peerId());
    }

    /** Lists the contacts and opens the first: groups may load sooner, but a greeting waits there. */
    private void contacts(List<ContactView> contacts) {
        contacts.stream().filter(contact -> "contact".equals(contact.status()))
                .forEach(contact -> state.conversations().put(Conversation.Kind.CONTACT, contact.peerId(),
                        contact.name()));
        state.conversations().firstToOpen().ifPresent(first -> open(first.id()));
    }

    /** Opens the first contact or group when nothing is open yet (a user with no contacts). */
    private void openOneIfNoneIs() {
        if (state.conversations().selected().isEmpty()) {
            state.conversations().firstToOpen().ifPresent(first -> open(first.id()));
        }
    }

    /**
     * Message requests that came while no client was open: each listed with its newest message,
     * counted unread once (nothing records whether an earlier client showed it).
     */
    private void requests(List<MessageView> requests) {
        for (MessageView message : requests) {
            String id = message.peerId();
            if (state.conversations().get(id).isEmpty()) {
                state.conversations().put(Conversation.Kind.REQUEST, id, shortId(id));
                state.timeline(id).put(entry(message));
                state.conversations().incoming(id);
            }
        }
        notifier.unread(state.conversations().totalUnread());
    }

    private void groups(List<GroupView> groups) {
        groups.forEach(this::showGroup);
        openOneIfNoneIs();
    }

    /** Lists a group we are in or invited to; one we left or were removed from leaves the list. */
    private void showGroup(GroupView group) {
        switch (group.status()) {
            case "joined" -> state.conversations().put(Conversation.Kind.GROUP, group.groupId(), group.name());
            case "invited" -> state.conversations().put(Conversation.Kind.INVITATION, group.groupId(), group.name());
            default -> state.conversations().remove(group.groupId());
        }
        ensureHistory();
    }

    private void peers(List<PeerView> peers) {
        Set<String> linked = peers.stream().map(PeerView::peerId).collect(Collectors.toSet());
        state.conversations().online(linked);
        state.links(peers.size());
    }

    private TimelineEntry entry(MessageView message) {
        String sender = "out".equals(message.direction()) ? state.ownName() : titleOf(message.peerId());
        return TimelineEntry.of(message, sender);
    }

    private TimelineEntry entry(GroupMessageView message) {
        boolean own = message.senderId().equals(state.ownPeerId());
        return TimelineEntry.of(message, own ? state.ownName() : titleOf(message.senderId()), own);
    }

    /** The name to show for a peer: ours, a contact's or request's title, else its short ID. */
    private String titleOf(String peerId) {
        if (peerId.equals(state.ownPeerId())) {
            return state.ownName();
        }
        return state.conversations().get(peerId).filter(Conversation::isDirect).map(Conversation::title)
                .orElse(shortId(peerId));
    }

    private void notice(String text) {
        state.notice(new ChatState.Notice(text, false));
    }

    private void error(String message) {
        state.notice(new ChatState.Notice(firstLine(message), true));
    }

    private static String firstLine(String message) {
        String text = message == null ? "unknown error" : message;
        int newline = text.indexOf('\n');
        return newline < 0 ? text : text.substring(0, newline);
    }

    /** A peer ID shortened for display where no name is known (long enough not to be ground into a look-alike). */
    static String shortId(String peerId) {
        return ShortPeerId.of(peerId);
    }
}
