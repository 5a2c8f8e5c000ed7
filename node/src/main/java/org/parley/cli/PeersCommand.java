package org.parley.cli;

import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.concurrent.Callable;
import org.parley.api.PeerView;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

@Command(name = "peers", mixinStandardHelpOptions = true, description = "List the peers the running daemon has verified links with.")
final class PeersCommand implements Callable<Integer> {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss")
            .withZone(ZoneId.systemDefault());

    @ParentCommand
    ParleyCli cli;

    @Mixin
    HomeOption homeOption;

    @Option(names = "--json", description = "Print an array of {\"peerId\",\"address\",\"direction\",\"connectedAt\",\"agent\",\"path\",\"relay\"}; path is direct, relayed or hole-punched, relay the relay's peer ID or null.")
    boolean json;

    @Override
    public Integer call() throws CliException {
        CliContext context = cli.context();
        List<PeerView> peers = DaemonCall.run(homeOption.existing(context), daemon -> daemon.peers());
        if (json) {
            context.out().println(Json.of(peers));
            return 0;
        }
        if (peers.isEmpty()) {
            context.out().println("no connected peers");
        }
        for (PeerView peer : peers) {
            context.out().printf("%s  %-21s  %-8s  since %s  %s%n", peer.peerId(), peer.address(), peer.direction(),
                    TIME.format(Instant.ofEpochMilli(peer.connectedAt())), peer.agent());
        }
        return 0;
    }
}
