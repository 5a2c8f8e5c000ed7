package org.parley.cli;

import java.util.List;
import java.util.concurrent.Callable;
import org.parley.api.ContactView;
import org.parley.api.PrintableText;
import org.parley.identity.PeerId;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

@Command(name = "contact", mixinStandardHelpOptions = true, description = "Manage contacts.",
        subcommands = {ContactCommand.Add.class, ContactCommand.ListContacts.class, ContactCommand.Remove.class,
                ContactCommand.Block.class, ContactCommand.Relay.class,
                ContactCommand.Signals.class})
final class ContactCommand implements Runnable {
    @ParentCommand
    ParleyCli cli;

    @Override
    public void run() {
        new CommandLine(this).usage(cli.context().out());
    }

    @Command(name = "add", mixinStandardHelpOptions = true,
            description = "Add a contact (or unblock a peer); its message requests become messages.")
    static final class Add implements Callable<Integer> {
        @ParentCommand
        ContactCommand parent;

        @Mixin
        HomeOption homeOption;

        @Parameters(index = "0", paramLabel = "PEER_ID", converter = Converters.PeerIdConverter.class)
        PeerId peer;

        @Option(names = "--name", paramLabel = "NAME", required = true, description = "What to call them.")
        String name;

        @Override
        public Integer call() throws CliException {
            CliContext context = parent.cli.context();
            ContactView added = DaemonCall.run(homeOption.existing(context),
                    daemon -> daemon.addContact(peer.toString(), name));
            context.out().println("added " + added.name() + " " + added.peerId());
            return 0;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List contacts and blocked peers.")
    static final class ListContacts implements Callable<Integer> {
        @ParentCommand
        ContactCommand parent;

        @Mixin
        HomeOption homeOption;

        @Option(names = "--json", description = "Print an array of {\"peerId\",\"name\",\"status\",\"addedAt\",\"refused\","
                + "\"readReceipts\",\"typing\"}.")
        boolean json;

        @Override
        public Integer call() throws CliException {
            CliContext context = parent.cli.context();
            List<ContactView> contacts = DaemonCall.run(homeOption.existing(context), daemon -> daemon.contacts());
            if (json) {
                context.out().println(Json.of(contacts));
            } else {
                contacts.forEach(contact -> context.out().printf("%-20s %s %s%n", PrintableText.oneLine(contact.name()), contact.peerId(),
                        contact.status().equals("blocked") ? "(blocked)" : ""));
            }
            return 0;
        }
    }

    @Command(name = "remove", mixinStandardHelpOptions = true, description = "Remove a contact (history stays).")
    static final class Remove implements Callable<Integer> {
        @ParentCommand
        ContactCommand parent;

        @Mixin
        HomeOption homeOption;

        @Parameters(index = "0", paramLabel = "PEER_ID", converter = Converters.PeerIdConverter.class)
        PeerId peer;

        @Override
        public Integer call() throws CliException {
            CliContext context = parent.cli.context();
            boolean removed = DaemonCall.run(homeOption.existing(context),
                    daemon -> daemon.removeContact(peer.toString()));
            if (!removed) {
                throw new CliException(peer + " is not a contact");
            }
            context.out().println("removed " + peer);
            return 0;
        }
    }

    @Command(name = "block", mixinStandardHelpOptions = true,
            description = "Block a peer: its messages are dropped and counted.")
    static final class Block implements Callable<Integer> {
        @ParentCommand
        ContactCommand parent;

        @Mixin
        HomeOption homeOption;

        @Parameters(index = "0", paramLabel = "PEER_ID", converter = Converters.PeerIdConverter.class)
        PeerId peer;

        @Override
        public Integer call() throws CliException {
            CliContext context = parent.cli.context();
            DaemonCall.run(homeOption.existing(context), daemon -> daemon.blockContact(peer.toString()));
            context.out().println("blocked " + peer);
            return 0;
        }
    }

    @Command(name = "set", mixinStandardHelpOptions = true,
            description = {"Turn read receipts and typing indicators for a contact on or off (both off until turned on).",
                    "Reciprocal: you see a contact's own only while you send yours."})
    static final class Signals implements Callable<Integer> {
        @ParentCommand
        ContactCommand parent;

        @Mixin
        HomeOption homeOption;

        @Parameters(index = "0", paramLabel = "PEER_ID", converter = Converters.PeerIdConverter.class)
        PeerId peer;

        @Option(names = "--read-receipts", paramLabel = "on|off", converter = Converters.OnOffConverter.class,
                description = "Tell it when you read its messages, and see when it reads yours.")
        Converters.Switch readReceipts;

        @Option(names = "--typing", paramLabel = "on|off", converter = Converters.OnOffConverter.class,
                description = "Tell it while you type to it, and see when it types to you.")
        Converters.Switch typing;

        @Override
        public Integer call() throws CliException {
            if (readReceipts == null && typing == null) {
                throw new CliException("give --read-receipts on|off, --typing on|off or both");
            }
            CliContext context = parent.cli.context();
            ContactView contact = DaemonCall.run(homeOption.existing(context), daemon -> daemon.setSignals(
                    peer.toString(), java.util.Optional.ofNullable(readReceipts).map(Converters.Switch::on),
                    java.util.Optional.ofNullable(typing).map(Converters.Switch::on)));
            context.out().println(PrintableText.oneLine(contact.name()) + ": read receipts "
                    + (contact.readReceipts() ? "on" : "off") + ", typing " + (contact.typing() ? "on" : "off"));
            return 0;
        }
    }

    @Command(name = "relay", mixinStandardHelpOptions = true,
            description = "Offer to hold a contact's mail while it is away (its relay); --stop withdraws the offer.")
    static final class Relay implements Callable<Integer> {
        @ParentCommand
        ContactCommand parent;

        @Mixin
        HomeOption homeOption;

        @Parameters(index = "0", paramLabel = "PEER_ID", converter = Converters.PeerIdConverter.class)
        PeerId peer;

        @Option(names = "--stop", description = "Withdraw the offer.")
        boolean stop;

        @Override
        public Integer call() throws CliException {
            CliContext context = parent.cli.context();
            DaemonCall.run(homeOption.existing(context), daemon -> {
                daemon.offerRelay(peer.toString(), stop);
                return null;
            });
            context.out().println(stop ? "no longer relaying for " + peer
                    : "offered to relay for " + peer + " (it accepts once its node hears the offer)");
            return 0;
        }
    }
}
