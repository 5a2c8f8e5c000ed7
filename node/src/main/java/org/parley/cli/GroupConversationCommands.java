package org.parley.cli;

import java.util.Optional;
import org.parley.api.GroupMessageView;
import org.parley.api.MarkedReadView;
import org.parley.groups.GroupId;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code group react}, {@code group edit}, {@code group delete}, {@code group set} and
 * {@code group read}: the conversation features in a group.
 */
final class GroupConversationCommands {
    private GroupConversationCommands() {
    }

    @Command(name = "react", mixinStandardHelpOptions = true,
            description = "React to a group message with one emoji (one reaction per member: a new one replaces yours).")
    static final class React extends GroupCommand.Sub {
        @Parameters(index = "0", paramLabel = "GROUP_ID", converter = Converters.GroupIdConverter.class)
        GroupId group;

        @Parameters(index = "1", paramLabel = "ENTRY_ID", description = "The message (its entry ID, as history --json shows it).")
        String entryId;

        @Parameters(index = "2", paramLabel = "EMOJI", arity = "0..1",
                description = "One emoji (at most 32 bytes of UTF-8); leave it out with --remove.")
        String emoji;

        @Option(names = "--remove", description = "Take your reaction back.")
        boolean remove;

        @Override
        public Integer call() throws CliException {
            if ((emoji == null) != remove) {
                throw new CliException("give either an EMOJI or --remove");
            }
            GroupMessageView message = call(daemon -> daemon.reactInGroup(group.toString(), entryId,
                    remove ? "" : emoji));
            print(message, message.entryId());
            return 0;
        }
    }

    @Command(name = "edit", mixinStandardHelpOptions = true,
            description = "Replace the text of one of your group messages; members see it marked edited.")
    static final class Edit extends GroupCommand.Sub {
        @Parameters(index = "0", paramLabel = "GROUP_ID", converter = Converters.GroupIdConverter.class)
        GroupId group;

        @Parameters(index = "1", paramLabel = "ENTRY_ID", description = "Your message (its entry ID).")
        String entryId;

        @Parameters(index = "2", paramLabel = "TEXT", description = "The new text (at most 32 KiB of UTF-8).")
        String text;

        @Override
        public Integer call() throws CliException {
            GroupMessageView message = call(daemon -> daemon.editInGroup(group.toString(), entryId, text));
            print(message, message.entryId());
            return 0;
        }
    }

    @Command(name = "delete", mixinStandardHelpOptions = true,
            description = {"Delete one of your group messages for everyone: your copy's text goes at once, each "
                    + "member's client erases its copy when the request reaches it."})
    static final class Delete extends GroupCommand.Sub {
        @Parameters(index = "0", paramLabel = "GROUP_ID", converter = Converters.GroupIdConverter.class)
        GroupId group;

        @Parameters(index = "1", paramLabel = "ENTRY_ID", description = "Your message (its entry ID).")
        String entryId;

        @Override
        public Integer call() throws CliException {
            GroupMessageView message = call(daemon -> daemon.deleteInGroup(group.toString(), entryId));
            print(message, message.entryId());
            return 0;
        }
    }

    @Command(name = "set", mixinStandardHelpOptions = true,
            description = {"Turn typing indicators or read marks in a group on or off (both off until turned on); "
                    + "without options, show the switches.",
                    "Reciprocal: members see you type, or how far you read, only while you see theirs."})
    static final class Signals extends GroupCommand.Sub {
        @Parameters(index = "0", paramLabel = "GROUP_ID", converter = Converters.GroupIdConverter.class)
        GroupId group;

        @Option(names = "--typing", paramLabel = "on|off", converter = Converters.OnOffConverter.class,
                description = "Tell linked members while you type in the group, and see when they type.")
        Converters.Switch typing;

        @Option(names = "--read-receipts", paramLabel = "on|off", converter = Converters.OnOffConverter.class,
                description = "Tell members how far you read the group, and see who read your posts.")
        Converters.Switch readReceipts;

        /** The switches as {@code --json} prints them. */
        record View(String groupId, boolean typing, boolean readReceipts) {
        }

        @Override
        public Integer call() throws CliException {
            boolean typingOn = call(daemon -> daemon.setGroupTyping(group.toString(),
                    Optional.ofNullable(typing).map(Converters.Switch::on)));
            boolean readOn = call(daemon -> daemon.setGroupReadReceipts(group.toString(),
                    Optional.ofNullable(readReceipts).map(Converters.Switch::on)));
            print(new View(group.toString(), typingOn, readOn), group.toString().substring(0, 10) + ": typing "
                    + (typingOn ? "on" : "off") + ", read receipts " + (readOn ? "on" : "off"));
            return 0;
        }
    }

    @Command(name = "read", mixinStandardHelpOptions = true,
            description = {"Mark a group read, up to its newest message or the one given; the mark never moves back.",
                    "With read receipts on in the group (group set --read-receipts on), the mark goes to each "
                            + "linked member end-to-end encrypted."})
    static final class Read extends GroupCommand.Sub {
        @Parameters(index = "0", paramLabel = "GROUP_ID", converter = Converters.GroupIdConverter.class)
        GroupId group;

        @Option(names = "--up-to", paramLabel = "ENTRY_ID", converter = Converters.EntryIdConverter.class,
                description = "A message of the group (its entry ID, as history --json shows it).")
        String upTo;

        @Override
        public Integer call() throws CliException {
            MarkedReadView marked = call(daemon -> daemon.markGroupRead(group.toString(), Optional.ofNullable(upTo)));
            print(marked, marked.upTo() == null ? "nothing new to mark read"
                    : "read up to " + marked.upTo() + (marked.receiptSent() ? " (mark sent)" : ""));
            return 0;
        }
    }
}
