package org.parley.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.logging.Level;
import org.parley.link.DialTarget;
import org.parley.link.HostPort;
import org.parley.node.NodeOptions;
import picocli.CommandLine.Option;

/** How a node started by a command joins the network, and how much it logs: {@code daemon}'s and {@code tui}'s options. */
public final class NodeNetworkOptions {
    @Option(names = "--listen", paramLabel = "HOST:PORT", converter = Converters.HostPortConverter.class,
            description = "Where to accept links from other nodes (default: ${DEFAULT-VALUE}).",
            defaultValue = "0.0.0.0:7450")
    HostPort listen;

    @Option(names = "--bootstrap", paramLabel = "[PEERID@]HOST:PORT", split = ",",
            converter = Converters.DialTargetConverter.class,
            description = "Peers to link with at start (repeat or separate with commas). With PEERID@ only that peer is accepted there.")
    List<DialTarget> bootstrap = new ArrayList<>();

    @Option(names = "--announce", paramLabel = "HOST:PORT", split = ",", converter = Converters.HostPortConverter.class,
            description = "Where other nodes can reach this one, as its signed record tells them (repeat or "
                    + "separate with commas; default: the --listen address unless it is 0.0.0.0 or ::).")
    List<HostPort> announce = new ArrayList<>();

    @Option(names = "--links", paramLabel = "N", defaultValue = "8", converter = Converters.PositiveIntConverter.class,
            description = "Links to open on its own until it has N (default: ${DEFAULT-VALUE}); peers dialing in, "
                    + "lookups and messages to unlinked peers may add more.")
    int links;

    @Option(names = "--log-level", paramLabel = "LEVEL", defaultValue = "INFO",
            description = "Log detail: SEVERE, WARNING, INFO, FINE (default: ${DEFAULT-VALUE}).")
    String logLevel;

    NodeOptions nodeOptions() {
        return NodeOptions.of(listen, bootstrap).withTargetLinks(links).withAnnounce(announce);
    }

    Level level() throws CliException {
        try {
            return Level.parse(logLevel.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new CliException("unknown log level '" + logLevel + "' (use SEVERE, WARNING, INFO or FINE)");
        }
    }
}
