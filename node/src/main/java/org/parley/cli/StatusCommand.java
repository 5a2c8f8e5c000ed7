package org.parley.cli;

import java.util.concurrent.Callable;
import org.parley.api.StatusView;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

@Command(name = "status", mixinStandardHelpOptions = true,
        description = "Show the running daemon's links, outbox, and the mail it holds for others and others hold for it.")
final class StatusCommand implements Callable<Integer> {
    @ParentCommand
    ParleyCli cli;

    @Mixin
    HomeOption homeOption;

    @Option(names = "--json", description = "Print {\"peerId\",\"links\",\"outbox\",\"relayed\","
            + "\"bytesStoredByOthers\",\"bytesStoredForOthers\",\"envelopesStoredForOthers\",\"relays\",\"relayingFor\","
            + "\"reachability\",\"observedAddresses\",\"portMapping\"}; portMapping is {\"protocol\",\"external\"} "
            + "(protocol upnp, nat-pmp or pcp) or null.")
    boolean json;

    @Override
    public Integer call() throws CliException {
        CliContext context = cli.context();
        StatusView status = DaemonCall.run(homeOption.existing(context), daemon -> daemon.status());
        if (json) {
            context.out().println(Json.of(status));
            return 0;
        }
        context.out().printf("peer ID   %s%n", status.peerId());
        context.out().printf("links     %d%n", status.links());
        context.out().printf("outbox    %d waiting, %d of them held by mailbox replicas (%d bytes)%n",
                status.outbox(), status.relayed(), status.bytesStoredByOthers());
        context.out().printf("mailbox   holding %d envelopes (%d bytes) for others%n",
                status.envelopesStoredForOthers(), status.bytesStoredForOthers());
        context.out().printf("reach     %s%s%n", status.reachability(), status.observedAddresses().isEmpty() ? ""
                : ", seen at " + String.join(" ", status.observedAddresses()));
        context.out().printf("mapping   %s%n", status.portMapping() == null ? "none"
                : status.portMapping().external() + " (" + status.portMapping().protocol() + ")");
        context.out().printf("relays    %s%n", status.relays().isEmpty() ? "none" : String.join(" ", status.relays()));
        status.relayingFor().forEach((peer, accepted) -> context.out().printf("relaying  for %s (%s)%n", peer,
                accepted ? "accepted" : "offered"));
        return 0;
    }
}
