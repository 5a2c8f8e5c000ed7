package org.parley.tui.model;

import java.util.List;
import java.util.Locale;
import org.parley.tui.text.TextWidth;

/**
 * Turns a line from the input into a {@link Command}. A line starting with {@code /} is a command
 * (write {@code //} to send a message that starts with a slash); anything wrong with it is a
 * {@link BadCommandException} whose message is one line fit for the screen.
 */
public final class CommandParser {
    /** Every command with its arguments and what it does, as {@code /help} lists them. */
    public static final List<String> USAGE = List.of(
            "/add PEER_ID [NAME]   add a contact and open the conversation",
            "/accept [NAME]        accept the open message request as a contact",
            "/block                block the open conversation's peer",
            "/nick NAME            rename the open conversation's contact",
            "/id                   your peer ID and its QR code",
            "/verify               the safety number to compare with this peer",
            "/peers                the peers linked now",
            "/search TEXT          find TEXT in this conversation",
            "/file PATH            offer a file to this conversation (a peer or a group)",
            "/mute                 mute this conversation (again: unmute)",
            "/ids                  show message IDs in the timeline (again: hide)",
            "/reply ID TEXT        reply to message ID, quoting it",
            "/react ID [EMOJI]     react to message ID (no emoji: take it back)",
            "/edit ID TEXT         change the text of your message ID",
            "/delete ID            delete your message ID for everyone",
            "/group create NAME    found a group and open it",
            "/group invite PEER    invite a contact (name) or peer ID into this group",
            "/group join [ID]      accept this (or that) group's invitation",
            "/group leave          leave this group or decline its invitation",
            "/group remove PEER    remove a member from this group (admins)",
            "/group members        this group's members",
            "/help                 this list (also F1)",
            "/quit                 leave (also Ctrl-Q)");

    /** Command names, for completion. */
    public static final List<String> NAMES = List.of("/accept", "/add", "/block", "/delete", "/edit", "/file", "/group",
            "/help", "/id", "/ids", "/mute", "/nick", "/peers", "/quit", "/react", "/reply", "/search", "/verify");

    private static final String GROUP_USAGE = "usage: /group create|invite|join|leave|remove|members ...";

    /** A command line that cannot be run; the message says why in one line. */
    public static final class BadCommandException extends Exception {
        public BadCommandException(String message) {
            super(message);
        }
    }

    private CommandParser() {
    }

    public static Command parse(String line) throws BadCommandException {
        if (line.startsWith("//")) {
            return new Command.Say(line.substring(1));
        }
        if (!line.startsWith("/")) {
            if (line.isBlank()) {
                throw new BadCommandException("nothing to send");
            }
            return new Command.Say(line);
        }
        String[] words = line.strip().split("\\s+", 3);
        String name = words[0].toLowerCase(Locale.ROOT);
        String first = words.length > 1 ? words[1] : null;
        String rest = words.length > 2 ? words[2].strip() : null;
        String all = words.length > 1 ? line.strip().substring(words[0].length()).strip() : null;
        return switch (name) {
            case "/add" -> {
                require(first != null, "usage: /add PEER_ID [NAME]");
                yield new Command.Add(first, rest);
            }
            case "/accept" -> new Command.Accept(all);
            case "/block" -> noArguments(first, name, new Command.Block());
            case "/nick" -> {
                require(all != null, "usage: /nick NAME");
                yield new Command.Nick(all);
            }
            case "/id" -> noArguments(first, name, new Command.ShowId());
            case "/verify" -> noArguments(first, name, new Command.Verify());
            case "/peers" -> noArguments(first, name, new Command.Peers());
            case "/search" -> {
                require(all != null, "usage: /search TEXT");
                yield new Command.Search(all);
            }
            case "/file" -> {
                require(all != null, "usage: /file PATH");
                yield new Command.SendFile(all);
            }
            case "/group" -> {
                require(first != null, GROUP_USAGE);
                yield group(first.toLowerCase(Locale.ROOT), rest);
            }
            case "/mute" -> noArguments(first, name, new Command.Mute());
            case "/ids" -> noArguments(first, name, new Command.Ids());
            case "/reply" -> {
                require(first != null && rest != null, "usage: /reply ID TEXT");
                yield new Command.Reply(first, rest);
            }
            case "/react" -> {
                require(first != null, "usage: /react ID [EMOJI]");
                yield new Command.React(first, rest == null ? "" : rest);
            }
            case "/edit" -> {
                require(first != null && rest != null, "usage: /edit ID TEXT");
                yield new Command.Edit(first, rest);
            }
            case "/delete" -> {
                require(first != null && rest == null, "usage: /delete ID");
                yield new Command.Delete(first);
            }
            case "/help" -> new Command.Help();
            case "/quit" -> noArguments(first, name, new Command.Quit());
            default -> throw new BadCommandException("unknown command " + shorten(words[0]) + " (see /help)");
        };
    }

    private static Command group(String subcommand, String argument) throws BadCommandException {
        return switch (subcommand) {
            case "create" -> {
                require(argument != null, "usage: /group create NAME");
                yield new Command.GroupCreate(argument);
            }
            case "invite" -> {
                require(argument != null, "usage: /group invite PEER (a contact's name or a peer ID)");
                yield new Command.GroupInvite(argument);
            }
            case "join" -> {
                require(argument == null || argument.split("\\s+").length == 1, "usage: /group join [GROUP_ID]");
                yield new Command.GroupJoin(argument);
            }
            case "leave" -> noArguments(argument, "/group leave", new Command.GroupLeave());
            case "remove" -> {
                require(argument != null, "usage: /group remove PEER (a member's name or peer ID)");
                yield new Command.GroupRemove(argument);
            }
            case "members" -> noArguments(argument, "/group members", new Command.GroupMembers());
            default -> throw new BadCommandException(GROUP_USAGE);
        };
    }

    private static Command noArguments(String argument, String name, Command command) throws BadCommandException {
        require(argument == null, name + " takes no arguments");
        return command;
    }

    private static void require(boolean condition, String message) throws BadCommandException {
        if (!condition) {
            throw new BadCommandException(message);
        }
    }

    /** An unknown command is echoed back, but never more than a short, printable piece of it. */
    private static String shorten(String word) {
        String printable = TextWidth.printable(word);
        return printable.length() <= 24 ? printable : printable.substring(0, 24) + "…";
    }
}
