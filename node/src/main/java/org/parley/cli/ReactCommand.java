package org.parley.cli;

import java.util.concurrent.Callable;
import org.parley.api.MessageView;
import org.parley.identity.PeerId;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

@Command(name = "react", mixinStandardHelpOptions = true,
        description = {"React to a message of a conversation with one emoji (one reaction per person: a new one "
                + "replaces yours).", "The reaction goes to the peer end-to-end encrypted."})
final class ReactCommand implements Callable<Integer> {
    @ParentCommand
    ParleyCli cli;

    @Mixin
    HomeOption homeOption;

    @Parameters(index = "0", paramLabel = "PEER_ID", converter = Converters.PeerIdConverter.class)
    PeerId peer;

    @Parameters(index = "1", paramLabel = "MESSAGE_ID", description = "The message (its ID, as history --json shows it).")
    String messageId;

    @Parameters(index = "2", paramLabel = "EMOJI", arity = "0..1",
            description = "One emoji (at most 32 bytes of UTF-8); leave it out with --remove.")
    String emoji;

    @Option(names = "--remove", description = "Take your reaction back.")
    boolean remove;

    @Option(names = "--json", description = "Print the message as it is now as JSON.")
    boolean json;

    @Override
    public Integer call() throws CliException {
        if ((emoji == null) != remove) {
            throw new CliException("give either an EMOJI or --remove");
        }
        MessageView message = DaemonCall.run(homeOption.existing(cli.context()),
                daemon -> daemon.react(peer.toString(), messageId, remove ? "" : emoji));
        cli.context().out().println(json ? Json.of(message) : message.id());
        return 0;
    }
}
