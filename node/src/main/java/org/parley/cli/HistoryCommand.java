package org.parley.cli;

import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.parley.api.MessageView;
import org.parley.identity.PeerId;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

@Command(name = "history", mixinStandardHelpOptions = true,
        description = "Show the conversation with a peer, oldest first.")
final class HistoryCommand implements Callable<Integer> {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss")
            .withZone(ZoneId.systemDefault());

    @ParentCommand
    ParleyCli cli;

    @Mixin
    HomeOption homeOption;

    @Parameters(index = "0", paramLabel = "PEER_ID", converter = Converters.PeerIdConverter.class)
    PeerId peer;

    @Option(names = "--limit", paramLabel = "N", defaultValue = "50",
            description = "At most N messages, the newest (default: ${DEFAULT-VALUE}, at most 1000).")
    int limit;

    @Option(names = "--before", paramLabel = "ID", description = "Only messages before the one with this ID.")
    String before;

    @Option(names = "--json", description = "Print an array of {\"id\",\"direction\",\"peerId\",\"text\",\"sentAt\","
            + "\"receivedAt\",\"state\",…,\"replicas\"}.")
    boolean json;

    @Override
    public Integer call() throws CliException {
        CliContext context = cli.context();
        List<MessageView> messages = DaemonCall.run(homeOption.existing(context),
                daemon -> daemon.history(peer.toString(), limit, Optional.ofNullable(before)));
        if (json) {
            context.out().println(Json.of(messages));
            return 0;
        }
        for (MessageView message : messages) {
            context.out().println(Lines.of(message, TIME));
        }
        return 0;
    }
}
