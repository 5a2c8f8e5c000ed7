package org.parley.cli;

import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.concurrent.Callable;
import org.parley.api.GroupMemberView;
import org.parley.api.GroupMessageView;
import org.parley.api.GroupView;
import org.parley.api.PrintableText;
import org.parley.api.ShortPeerId;
import org.parley.groups.GroupId;
import org.parley.identity.PeerId;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

@Command(name = "group", mixinStandardHelpOptions = true,
        description = "Group channels: end-to-end encrypted, relayed by peers, history kept by every member.",
        subcommands = {GroupCommand.Create.class, GroupCommand.Invite.class, GroupCommand.ListGroups.class,
                GroupCommand.Join.class, GroupCommand.Send.class, GroupCommand.SendFile.class, GroupCommand.History.class,
                GroupCommand.Members.class, GroupCommand.Remove.class, GroupCommand.Leave.class,
                GroupConversationCommands.React.class, GroupConversationCommands.Edit.class,
                GroupConversationCommands.Delete.class, GroupConversationCommands.Signals.class,
                GroupConversationCommands.Read.class})
final class GroupCommand implements Runnable {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss")
            .withZone(ZoneId.systemDefault());

    @ParentCommand
    ParleyCli cli;

    @Override
    public void run() {
        new CommandLine(this).usage(cli.context().out());
    }

    /** What every subcommand shares: the parent, the home and an output switch. */
    abstract static class Sub implements Callable<Integer> {
        @ParentCommand
        GroupCommand parent;

        @Mixin
        HomeOption homeOption;

        @Option(names = "--json", description = "Print JSON (field names as in docs/COMMANDS.md).")
        boolean json;

        <T> T call(DaemonCall.Request<T> request) throws CliException {
            return DaemonCall.run(homeOption.existing(parent.cli.context()), request);
        }

        void print(Object value, String line) {
            parent.cli.context().out().println(json ? Json.of(value) : line);
        }
    }

    @Command(name = "create", mixinStandardHelpOptions = true,
            description = "Found a group, with you as its first admin; prints its ID.")
    static final class Create extends Sub {
        @Parameters(index = "0", paramLabel = "NAME", description = "The group's name (1 to 64 characters).")
        String name;

        @Override
        public Integer call() throws CliException {
            GroupView group = call(daemon -> daemon.createGroup(name));
            print(group, group.groupId());
            return 0;
        }
    }

    @Command(name = "invite", mixinStandardHelpOptions = true, description = "Add a peer to a group (admins only).")
    static final class Invite extends Sub {
        @Parameters(index = "0", paramLabel = "GROUP_ID", converter = Converters.GroupIdConverter.class)
        GroupId group;

        @Parameters(index = "1", paramLabel = "PEER_ID", converter = Converters.PeerIdConverter.class)
        PeerId peer;

        @Option(names = "--admin", description = "Make them an admin too.")
        boolean admin;

        @Override
        public Integer call() throws CliException {
            GroupView view = call(daemon -> daemon.inviteToGroup(group.toString(), peer.toString(), admin));
            print(view, "invited " + peer + " to " + PrintableText.oneLine(view.name()));
            return 0;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List groups and invitations.")
    static final class ListGroups extends Sub {
        @Override
        public Integer call() throws CliException {
            List<GroupView> groups = call(daemon -> daemon.groups());
            if (json) {
                print(groups, null);
            } else {
                groups.forEach(group -> parent.cli.context().out().printf("%s %-8s %3d members  %s%n",
                        group.groupId(), group.status(), group.members(), PrintableText.oneLine(group.name())));
            }
            return 0;
        }
    }

    @Command(name = "join", mixinStandardHelpOptions = true, description = "Accept an invitation to a group.")
    static final class Join extends Sub {
        @Parameters(index = "0", paramLabel = "GROUP_ID", converter = Converters.GroupIdConverter.class)
        GroupId group;

        @Override
        public Integer call() throws CliException {
            GroupView view = call(daemon -> daemon.joinGroup(group.toString()));
            print(view, "joined " + PrintableText.oneLine(view.name()));
            return 0;
        }
    }

    @Command(name = "send", mixinStandardHelpOptions = true,
            description = "Post to a group; prints the entry ID once the message is stored.")
    static final class Send extends Sub {
        @Parameters(index = "0", paramLabel = "GROUP_ID", converter = Converters.GroupIdConverter.class)
        GroupId group;

        @Parameters(index = "1", paramLabel = "TEXT", description = "The message (at most 32 KiB of UTF-8).")
        String text;

        @Option(names = "--reply-to", paramLabel = "ENTRY_ID",
                description = "Reply to (quote) this message of the group (its entry ID, as history shows it).")
        String replyTo;

        @Override
        public Integer call() throws CliException {
            GroupMessageView sent = call(daemon -> replyTo == null ? daemon.sendToGroup(group.toString(), text)
                    : daemon.sendToGroup(group.toString(), text, java.util.Optional.of(replyTo)));
            print(sent, sent.entryId());
            return 0;
        }
    }

    @Command(name = "send-file", mixinStandardHelpOptions = true,
            description = {"Offer a file to a group; prints the post's entry ID once it is stored.",
                    "The daemon reads the file and serves its chunks; every member may fetch it, and members that "
                            + "did serve it to the others (see group history: the file's state and chunks)."})
    static final class SendFile extends Sub {
        @Parameters(index = "0", paramLabel = "GROUP_ID", converter = Converters.GroupIdConverter.class)
        GroupId group;

        @Parameters(index = "1", paramLabel = "PATH", description = "The file (the daemon reads it from there).")
        java.nio.file.Path path;

        @Override
        public Integer call() throws CliException {
            java.nio.file.Path absolute = path.toAbsolutePath().normalize();
            if (!java.nio.file.Files.isRegularFile(absolute)) {
                throw new CliException("no such file: " + path);
            }
            GroupMessageView sent = call(daemon -> daemon.sendFileToGroup(group.toString(), absolute.toString()));
            print(sent, sent.entryId());
            return 0;
        }
    }

    @Command(name = "history", mixinStandardHelpOptions = true,
            description = "Show a group's messages in log order (the same on every member).")
    static final class History extends Sub {
        @Parameters(index = "0", paramLabel = "GROUP_ID", converter = Converters.GroupIdConverter.class)
        GroupId group;

        @Option(names = "--limit", paramLabel = "N", defaultValue = "50",
                description = "At most N messages, the newest (default: ${DEFAULT-VALUE}, at most 1000).")
        int limit;

        @Override
        public Integer call() throws CliException {
            List<GroupMessageView> messages = call(daemon -> daemon.groupHistory(group.toString(), limit));
            if (json) {
                print(messages, null);
            } else {
                messages.forEach(message -> parent.cli.context().out().println(
                        TIME.format(Instant.ofEpochMilli(message.sentAt())) + " "
                                + ShortPeerId.of(message.senderId()) + ": "
                                + ConversationMarks.replyPrefix(message.replyTo())
                                + PrintableText.of(message.text()).replace("\n", "\n    ")
                                + ConversationMarks.suffix(message.edited(), message.deleted(), message.reactions())));
            }
            return 0;
        }
    }

    @Command(name = "members", mixinStandardHelpOptions = true, description = "List a group's members.")
    static final class Members extends Sub {
        @Parameters(index = "0", paramLabel = "GROUP_ID", converter = Converters.GroupIdConverter.class)
        GroupId group;

        @Override
        public Integer call() throws CliException {
            List<GroupMemberView> members = call(daemon -> daemon.groupMembers(group.toString()));
            if (json) {
                print(members, null);
            } else {
                members.forEach(member -> parent.cli.context().out().println(member.peerId()
                        + (member.admin() ? " (admin)" : "")));
            }
            return 0;
        }
    }

    @Command(name = "remove", mixinStandardHelpOptions = true,
            description = "Remove a member (admins only); every remaining member then changes its key.")
    static final class Remove extends Sub {
        @Parameters(index = "0", paramLabel = "GROUP_ID", converter = Converters.GroupIdConverter.class)
        GroupId group;

        @Parameters(index = "1", paramLabel = "PEER_ID", converter = Converters.PeerIdConverter.class)
        PeerId peer;

        @Override
        public Integer call() throws CliException {
            GroupView view = call(daemon -> daemon.removeFromGroup(group.toString(), peer.toString()));
            print(view, "removed " + peer + " from " + PrintableText.oneLine(view.name()));
            return 0;
        }
    }

    @Command(name = "leave", mixinStandardHelpOptions = true, description = "Leave a group (or decline an invitation).")
    static final class Leave extends Sub {
        @Parameters(index = "0", paramLabel = "GROUP_ID", converter = Converters.GroupIdConverter.class)
        GroupId group;

        @Override
        public Integer call() throws CliException {
            GroupView view = call(daemon -> daemon.leaveGroup(group.toString()));
            print(view, "left " + PrintableText.oneLine(view.name()));
            return 0;
        }
    }
}
