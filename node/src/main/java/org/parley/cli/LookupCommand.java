package org.parley.cli;

import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.concurrent.Callable;
import org.parley.api.LookupView;
import org.parley.identity.PeerId;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

@Command(name = "lookup", mixinStandardHelpOptions = true,
        description = {"Find a peer's current signed record (where it listens) in the DHT, through the running daemon.",
                "Prints the record found and how many hops and queries it took; 'not found' is an answer too."})
final class LookupCommand implements Callable<Integer> {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss")
            .withZone(ZoneId.systemDefault());

    @ParentCommand
    ParleyCli cli;

    @Mixin
    HomeOption homeOption;

    @Parameters(index = "0", paramLabel = "PEER_ID", converter = Converters.PeerIdConverter.class,
            description = "Whose record to find.")
    PeerId peer;

    @Option(names = "--json", description = "Print {\"peerId\",\"found\",\"record\":{\"addresses\",\"sequence\","
            + "\"expiresAt\",\"relays\",\"linkRelays\"} or null,\"hops\",\"queries\"}.")
    boolean json;

    @Override
    public Integer call() throws CliException {
        CliContext context = cli.context();
        LookupView found = DaemonCall.run(homeOption.existing(context), daemon -> daemon.lookup(peer.toString()));
        if (json) {
            context.out().println(Json.of(found));
        } else if (found.found()) {
            context.out().printf("%s  %s  (sequence %s, expires %s)  %d hops, %d queries%n", found.peerId(),
                    String.join(", ", found.record().addresses()), Long.toUnsignedString(found.record().sequence()),
                    TIME.format(Instant.ofEpochMilli(found.record().expiresAt())), found.hops(), found.queries());
            if (!found.record().relays().isEmpty()) {
                context.out().printf("relays  %s%n", String.join(" ", found.record().relays()));
            }
            if (!found.record().linkRelays().isEmpty()) {
                context.out().printf("reachable via  %s%n", String.join(" ", found.record().linkRelays()));
            }
        } else {
            context.out().printf("%s  not found  (%d queries)%n", found.peerId(), found.queries());
        }
        return 0;
    }
}
