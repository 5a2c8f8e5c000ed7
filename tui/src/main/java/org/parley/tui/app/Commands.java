package org.parley.tui.app;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.parley.api.PeerView;
import org.parley.identity.Fingerprint;
import org.parley.identity.InvalidPeerIdException;
import org.parley.identity.PeerId;
import org.parley.tui.model.Command;
import org.parley.tui.model.CommandParser;
import org.parley.tui.model.Conversation;
import org.parley.tui.model.Timeline;
import org.parley.tui.text.QrText;

/** What a line sent from the input does: a message to the open conversation, or a slash command. */
final class Commands {
    private static final int SEARCH_PAGE = 500;

    private final ChatContext chat;
    private final Navigator navigator;
    private final NodeSync sync;
    private final HistoryPager history;
    private final GroupCommands groups;
    private final ReadTracker reads;
    private final MessageActions actions;

    Commands(ChatContext chat, Navigator navigator, NodeSync sync, HistoryPager history, ReadTracker reads) {
        this.chat = chat;
        this.reads = reads;
        this.navigator = navigator;
        this.sync = sync;
        this.history = history;
        this.groups = new GroupCommands(chat, navigator, sync, history);
        this.actions = new MessageActions(chat);
    }

    /** A line the user sent; a blank one does nothing. */
    void submit(String line) {
        if (line.isBlank()) {
            return;
        }
        Command command;
        try {
            command = CommandParser.parse(line);
        } catch (CommandParser.BadCommandException e) {
            chat.error(e.getMessage());
            return;
        }
        run(command);
    }

    private void run(Command command) {
        if (groups.run(command) || actions.run(command)) {
            return;
        }
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
            chat.node.submit(api -> api.peers(), this::showPeers, chat::error);
        } else if (command instanceof Command.SendFile file) {
            sendFile(file.path());
        } else if (command instanceof Command.Search search) {
            search(search.text());
        } else if (command instanceof Command.Mute) {
            reads.toggleMute();
        } else if (command instanceof Command.Help) {
            help();
        } else if (command instanceof Command.Quit) {
            chat.state.quit();
        }
    }

    private void say(String text) {
        Optional<Conversation> open = chat.state.conversations().selected();
        if (open.isEmpty()) {
            chat.error("no conversation open: add a contact with /add PEER_ID NAME");
            return;
        }
        String id = open.get().id();
        switch (open.get().kind()) {
            case CONTACT, REQUEST -> chat.node.submit(api -> api.send(id, text),
                    message -> chat.state.timeline(id).put(chat.entry(message)), chat::error);
            case GROUP -> chat.node.submit(api -> api.sendToGroup(id, text),
                    message -> chat.state.timeline(id).put(chat.entry(message)), chat::error);
            case INVITATION -> chat.error("join the group first: /group join (or decline: /group leave)");
        }
    }

    /**
     * Offers a file to the open conversation (a peer or a group); the node reads it, so the path is
     * made absolute here.
     */
    private void sendFile(String path) {
        Optional<Conversation> open = chat.state.conversations().selected();
        if (open.isEmpty() || open.get().kind() == Conversation.Kind.INVITATION) {
            chat.error("/file works in a conversation with a peer or a group");
            return;
        }
        boolean group = open.get().kind() == Conversation.Kind.GROUP;
        String id = open.get().id();
        String home = System.getProperty("user.home");
        String absolute;
        try {
            absolute = (path.startsWith("~/") && home != null ? Path.of(home, path.substring(2)) : Path.of(path))
                    .toAbsolutePath().normalize().toString();
        } catch (java.nio.file.InvalidPathException e) {
            chat.error("not a path: " + e.getReason());
            return;
        }
        chat.notice("hashing " + absolute + " …");
        if (group) {
            chat.node.submit(api -> api.sendFileToGroup(id, absolute), message -> {
                chat.state.timeline(id).put(chat.entry(message));
                if (message.file() != null) {
                    chat.state.timeline(id).putFile(message.entryId(), message.file());
                }
            }, chat::error);
            return;
        }
        chat.node.submit(api -> api.sendFile(id, absolute), message -> {
            chat.state.timeline(id).put(chat.entry(message));
            if (message.file() != null) {
                chat.state.timeline(id).putFile(message.id(), message.file());
            }
        }, chat::error);
    }

    private void addContact(String peerId, String name) {
        String checkedId;
        try {
            checkedId = PeerId.parse(peerId).toString();
        } catch (InvalidPeerIdException e) {
            chat.error("not a peer ID: " + e.getMessage());
            return;
        }
        String chosen = name != null ? name : ChatContext.shortId(checkedId);
        chat.node.submit(api -> api.addContact(checkedId, chosen), contact -> {
            chat.state.conversations().put(Conversation.Kind.CONTACT, contact.peerId(), contact.name());
            navigator.open(contact.peerId());
            chat.notice("added " + contact.name());
        }, chat::error);
    }

    private void accept(String name) {
        Optional<Conversation> open = chat.state.conversations().selected();
        if (open.isEmpty() || open.get().kind() != Conversation.Kind.REQUEST) {
            chat.error("/accept works in a message request");
            return;
        }
        String peerId = open.get().id();
        String chosen = name != null ? name : open.get().title();
        chat.node.submit(api -> api.addContact(peerId, chosen), contact -> {
            chat.state.conversations().put(Conversation.Kind.CONTACT, contact.peerId(), contact.name());
            chat.notice("accepted " + contact.name() + " as a contact");
        }, chat::error);
    }

    private void block() {
        Optional<Conversation> open = chat.state.conversations().selected();
        if (open.isEmpty() || !open.get().isDirect()) {
            chat.error("/block works in a conversation with a peer");
            return;
        }
        String peerId = open.get().id();
        String title = open.get().title();
        chat.node.submit(api -> api.blockContact(peerId), blocked -> {
            chat.state.conversations().remove(peerId);
            chat.notice("blocked " + title);
            history.ensureLoaded();
        }, chat::error);
    }

    private void rename(String name) {
        Optional<Conversation> open = chat.state.conversations().selected();
        if (open.isEmpty() || open.get().kind() != Conversation.Kind.CONTACT) {
            chat.error("/nick renames the open conversation's contact");
            return;
        }
        String peerId = open.get().id();
        chat.node.submit(api -> api.addContact(peerId, name), contact -> {
            chat.state.conversations().put(Conversation.Kind.CONTACT, contact.peerId(), contact.name());
            chat.notice("renamed to " + contact.name());
        }, chat::error);
    }

    private void showId() {
        chat.node.submit(api -> api.identity(), identity -> chat.state.panel(new ChatState.Panel("Your ID", List.of(
                "Name:        " + identity.name(),
                "Peer ID:     " + identity.peerId(),
                "Fingerprint: " + identity.fingerprint(),
                "",
                "Give your peer ID to whoever should reach you: /add " + identity.peerId()),
                QrText.encode(identity.peerId()))), chat::error);
    }

    private void verify() {
        Optional<Conversation> open = chat.state.conversations().selected();
        if (open.isEmpty() || !open.get().isDirect()) {
            chat.error("/verify works in a conversation with a peer");
            return;
        }
        try {
            String number = Fingerprint.safetyNumber(PeerId.parse(chat.state.ownPeerId()),
                    PeerId.parse(open.get().id()));
            chat.state.panel(new ChatState.Panel("Safety number with " + open.get().title(), List.of(
                    number,
                    "",
                    "Compare it with " + open.get().title() + " in person or on a call:",
                    "the same number on both sides means nobody sits in between.")));
        } catch (InvalidPeerIdException e) {
            chat.error("cannot compute the safety number: " + e.getMessage());
        }
    }

    private void showPeers(List<PeerView> peers) {
        sync.peers(peers);
        List<String> lines = peers.isEmpty() ? List.of("no peer is linked now")
                : peers.stream().map(peer -> chat.titleOf(peer.peerId()) + "  " + peer.address() + "  "
                + peer.direction()).toList();
        chat.state.panel(new ChatState.Panel("Linked peers (" + peers.size() + ")", lines));
    }

    private void search(String text) {
        Optional<Conversation> open = chat.state.conversations().selected()
                .filter(conversation -> conversation.kind() != Conversation.Kind.INVITATION);
        if (open.isEmpty()) {
            chat.error("/search works in a conversation");
            return;
        }
        String id = open.get().id();
        String title = open.get().title();
        history.latest(open.get(), SEARCH_PAGE, page -> {
            Timeline timeline = chat.state.timeline(id);
            timeline.putOlder(page, SEARCH_PAGE);
            List<String> lines = timeline.search(text).stream()
                    .map(entry -> entry.sender() + ": " + entry.text().replace('\n', ' ')).toList();
            chat.state.panel(new ChatState.Panel("\"" + text + "\" in " + title + " (" + lines.size() + ")",
                    lines.isEmpty() ? List.of("not found") : lines));
        });
    }

    void help() {
        List<String> lines = new ArrayList<>(List.of(
                "Enter send · Alt-Enter new line · Tab complete · Up/Down input history",
                "Ctrl-A/E start/end · Ctrl-W/U/K cut word/start/end · Alt-B/F or Ctrl-←/→ word",
                "Alt-↑/↓, Ctrl-↑/↓ or Ctrl-P/N switch conversation · Alt-A or Ctrl-X next unread",
                "PgUp/PgDn scroll · Esc close this panel · Ctrl-Q quit",
                ""));
        lines.addAll(CommandParser.USAGE);
        chat.state.panel(new ChatState.Panel("Help", lines));
    }
}
