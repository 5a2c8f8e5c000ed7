package org.parley.cli;

import java.util.Optional;
import java.util.concurrent.Callable;
import org.parley.api.MarkedReadView;
import org.parley.identity.PeerId;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

@Command(name = "read", mixinStandardHelpOptions = true,
        description = {"Mark a conversation read, up to its newest message or the one given.",
                "With read receipts on for the contact (contact set --read-receipts on), one receipt naming that "
                        + "message goes to it end-to-end encrypted."})
final class ReadCommand implements Callable<Integer> {
    @ParentCommand
    ParleyCli cli;

    @Mixin
    HomeOption homeOption;

    @Parameters(index = "0", paramLabel = "PEER_ID", converter = Converters.PeerIdConverter.class)
    PeerId peer;

    @Option(names = "--up-to", paramLabel = "MESSAGE_ID", converter = Converters.MessageIdConverter.class,
            description = "One of the peer's messages (its ID, as history --json shows it).")
    String upTo;

    @Override
    public Integer call() throws CliException {
        MarkedReadView marked = DaemonCall.run(homeOption.existing(cli.context()),
                daemon -> daemon.markRead(peer.toString(), Optional.ofNullable(upTo)));
        cli.context().out().println(marked.upTo() == null ? "nothing new to mark read"
                : "read up to " + marked.upTo() + (marked.receiptSent() ? " (receipt sent)" : ""));
        return 0;
    }
}
