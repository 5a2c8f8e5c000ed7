package org.parley.cli;

import java.util.concurrent.Callable;
import org.parley.api.MessageView;
import org.parley.identity.PeerId;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

@Command(name = "delete", mixinStandardHelpOptions = true,
        description = {"Delete one of your messages for everyone: your copy's text goes at once; the peer's client "
                + "erases its copy when the request reaches it.", "Only a message's author can delete it. A modified "
                + "client could keep its copy: deleting cannot take back what was read."})
final class DeleteCommand implements Callable<Integer> {
    @ParentCommand
    ParleyCli cli;

    @Mixin
    HomeOption homeOption;

    @Parameters(index = "0", paramLabel = "PEER_ID", converter = Converters.PeerIdConverter.class)
    PeerId peer;

    @Parameters(index = "1", paramLabel = "MESSAGE_ID", description = "Your message (its ID, as history --json shows it).")
    String messageId;

    @Option(names = "--json", description = "Print the message as it is now as JSON.")
    boolean json;

    @Override
    public Integer call() throws CliException {
        MessageView message = DaemonCall.run(homeOption.existing(cli.context()),
                daemon -> daemon.delete(peer.toString(), messageId));
        cli.context().out().println(json ? Json.of(message) : message.id());
        return 0;
    }
}
