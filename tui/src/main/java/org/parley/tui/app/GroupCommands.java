package org.parley.tui.app;

import java.util.Optional;
import org.parley.api.GroupMemberView;
import org.parley.identity.InvalidPeerIdException;
import org.parley.identity.PeerId;
import org.parley.tui.model.Command;
import org.parley.tui.model.Conversation;

/** The {@code /group} commands: create, invite, join, leave, remove, members. */
final class GroupCommands {
    private static final String IN_A_GROUP = " works in an open group";

    private final ChatContext chat;
    private final Navigator navigator;
    private final NodeSync sync;
    private final HistoryPager history;

    GroupCommands(ChatContext chat, Navigator navigator, NodeSync sync, HistoryPager history) {
        this.chat = chat;
        this.navigator = navigator;
        this.sync = sync;
        this.history = history;
    }

    /** Runs a group command; false when {@code command} is none. */
    boolean run(Command command) {
        if (command instanceof Command.GroupCreate create) {
            create(create.name());
        } else if (command instanceof Command.GroupInvite invite) {
            invite(invite.peer());
        } else if (command instanceof Command.GroupJoin join) {
            join(join.groupId());
        } else if (command instanceof Command.GroupLeave) {
            leave();
        } else if (command instanceof Command.GroupRemove remove) {
            remove(remove.peer());
        } else if (command instanceof Command.GroupMembers) {
            members();
        } else {
            return false;
        }
        return true;
    }

    private void create(String name) {
        chat.node.submit(api -> api.createGroup(name), group -> {
            sync.showGroup(group);
            navigator.open(group.groupId());
            chat.notice("created " + group.name() + " · invite with /group invite PEER");
        }, chat::error);
    }

    private void invite(String peer) {
        Optional<Conversation> group = openOf(Conversation.Kind.GROUP, "/group invite" + IN_A_GROUP);
        Optional<String> peerId = group.flatMap(open -> peerIdOf(peer));
        if (group.isPresent() && peerId.isPresent()) {
            String groupId = group.get().id();
            chat.node.submit(api -> api.inviteToGroup(groupId, peerId.get(), false),
                    invited -> chat.notice("invited " + chat.titleOf(peerId.get()) + " to " + invited.name()),
                    chat::error);
        }
    }

    private void join(String groupId) {
        Optional<String> id = groupId != null ? Optional.of(groupId)
                : openOf(Conversation.Kind.INVITATION, "/group join takes a group ID here (or open the invitation)")
                .map(Conversation::id);
        id.ifPresent(joining -> chat.node.submit(api -> api.joinGroup(joining), group -> {
            sync.showGroup(group);
            navigator.open(group.groupId());
            chat.notice("joined " + group.name());
        }, chat::error));
    }

    private void leave() {
        Optional<Conversation> open = chat.state.conversations().selected().filter(Conversation::isGroup);
        if (open.isEmpty()) {
            chat.error("/group leave" + IN_A_GROUP + " or invitation");
            return;
        }
        String groupId = open.get().id();
        chat.node.submit(api -> api.leaveGroup(groupId), group -> {
            chat.state.conversations().remove(groupId);
            chat.notice((open.get().kind() == Conversation.Kind.INVITATION ? "declined " : "left ") + group.name());
            history.ensureLoaded();
        }, chat::error);
    }

    private void remove(String peer) {
        Optional<Conversation> group = openOf(Conversation.Kind.GROUP, "/group remove" + IN_A_GROUP);
        Optional<String> peerId = group.flatMap(open -> peerIdOf(peer));
        if (group.isPresent() && peerId.isPresent()) {
            String groupId = group.get().id();
            chat.node.submit(api -> api.removeFromGroup(groupId, peerId.get()),
                    removed -> chat.notice("removed " + chat.titleOf(peerId.get()) + " from " + removed.name()),
                    chat::error);
        }
    }

    private void members() {
        openOf(Conversation.Kind.GROUP, "/group members" + IN_A_GROUP).ifPresent(group -> chat.node.submit(
                api -> api.groupMembers(group.id()), members -> chat.state.panel(new ChatState.Panel(
                        "Members of " + group.title() + " (" + members.size() + ")",
                        members.stream().map(this::memberLine).toList())), chat::error));
    }

    private String memberLine(GroupMemberView member) {
        return chat.titleOf(member.peerId()) + (member.admin() ? "  admin" : "") + "  " + member.peerId();
    }

    /** The open conversation when it is of {@code kind}; else the error is shown. */
    private Optional<Conversation> openOf(Conversation.Kind kind, String errorText) {
        Optional<Conversation> open = chat.state.conversations().selected().filter(c -> c.kind() == kind);
        if (open.isEmpty()) {
            chat.error(errorText);
        }
        return open;
    }

    /** A contact's peer ID by its name, or a peer ID as given; else the error is shown. */
    private Optional<String> peerIdOf(String peer) {
        Optional<String> byName = chat.state.conversations().ordered().stream()
                .filter(c -> c.kind() == Conversation.Kind.CONTACT && c.title().equals(peer))
                .map(Conversation::id).findFirst();
        if (byName.isPresent()) {
            return byName;
        }
        try {
            return Optional.of(PeerId.parse(peer).toString());
        } catch (InvalidPeerIdException e) {
            chat.error("not a contact's name or a peer ID: " + e.getMessage());
            return Optional.empty();
        }
    }
}
