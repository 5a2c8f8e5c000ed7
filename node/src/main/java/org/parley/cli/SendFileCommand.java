package org.parley.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.parley.api.MessageView;
import org.parley.identity.PeerId;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

@Command(name = "send-file", mixinStandardHelpOptions = true,
        description = {"Offer a file to a peer; prints the message ID once the offer is safely in the outbox.",
                "The daemon reads the file, seals it in chunks and serves them; the peer fetches them when it is "
                        + "online (see history: the file's state and chunks)."})
final class SendFileCommand implements Callable<Integer> {
    @ParentCommand
    ParleyCli cli;

    @Mixin
    HomeOption homeOption;

    @Parameters(index = "0", paramLabel = "PEER_ID", converter = Converters.PeerIdConverter.class,
            description = "Who to send to.")
    PeerId peer;

    @Parameters(index = "1", paramLabel = "PATH", description = "The file (the daemon reads it from there).")
    Path path;

    @Option(names = "--json", description = "Print the message as JSON (with its \\\"file\\\") instead of its ID.")
    boolean json;

    @Override
    public Integer call() throws CliException {
        CliContext context = cli.context();
        Path absolute = path.toAbsolutePath().normalize();
        if (!Files.isRegularFile(absolute)) {
            throw new CliException("no such file: " + path);
        }
        MessageView sent = DaemonCall.run(homeOption.existing(context),
                daemon -> daemon.sendFile(peer.toString(), absolute.toString()));
        context.out().println(json ? Json.of(sent) : sent.id());
        return 0;
    }
}
