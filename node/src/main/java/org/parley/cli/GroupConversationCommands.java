package org.parley.cli;

import java.util.Optional;
import org.parley.api.GroupMessageView;
import org.parley.groups.GroupId;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code group react}, {@code group edit}, {@code group delete} and {@code group set}: the
 * conversation features in a group.
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
            description = {"Turn typing indicators in a group on or off (off until turned on); without --typing, "
                    + "show the switch.",
                    "Reciprocal: members see you type only while you see them type. Read marks in groups are not "
                            + "offered."})
    static final class Signals extends GroupCommand.Sub {
        @Parameters(index = "0", paramLabel = "GROUP_ID", converter = Converters.GroupIdConverter.class)
        GroupId group;

        @Option(names = "--typing", paramLabel = "on|off", converter = Converters.OnOffConverter.class,
                description = "Tell linked members while you type in the group, and see when they type.")
        Converters.Switch typing;

        /** The switch as {@code --json} prints it. */
        record View(String groupId, boolean typing) {
        }

        @Override
        public Integer call() throws CliException {
            boolean on = call(daemon -> daemon.setGroupTyping(group.toString(),
                    Optional.ofNullable(typing).map(Converters.Switch::on)));
            print(new View(group.toString(), on), group.toString().substring(0, 10) + ": typing " + (on ? "on" : "off"));
            return 0;
        }
    }
}
