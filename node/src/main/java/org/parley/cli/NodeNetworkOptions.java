package org.parley.cli;

import java.nio.file.Path;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.logging.Level;
import org.parley.link.DialTarget;
import org.parley.link.HostPort;
import org.parley.mailbox.MailboxConfig;
import org.parley.link.relay.RelayLimits;
import org.parley.files.FileConfig;
import org.parley.node.NodeOptions;
import picocli.CommandLine.Option;

/**
 * How a node started by a command joins the network, what it holds for peers who are away, and
 * how much it logs: {@code daemon}'s and {@code tui}'s options.
 */
public final class NodeNetworkOptions {
    @Option(names = "--listen", paramLabel = "HOST:PORT", converter = Converters.HostPortConverter.class,
            description = "Where to accept links from other nodes (default: ${DEFAULT-VALUE}).",
            defaultValue = "0.0.0.0:7450")
    HostPort listen;

    @Option(names = "--bootstrap", paramLabel = "[PEERID@]HOST:PORT", split = ",",
            converter = Converters.DialTargetConverter.class,
            description = "Peers to link with at start, in addition to the seeds in the home's 'seeds' file (repeat or "
                    + "separate with commas). With PEERID@ only that peer is accepted there.")
    List<DialTarget> bootstrap = new ArrayList<>();

    @Option(names = "--announce", paramLabel = "HOST:PORT", split = ",", converter = Converters.HostPortConverter.class,
            description = "Where other nodes can reach this one, as its signed record tells them (repeat or "
                    + "separate with commas; default: the addresses peers confirmed by dialling back, and the --listen "
                    + "address unless it is 0.0.0.0 or :: or peers found this node unreachable).")
    List<HostPort> announce = new ArrayList<>();

    @Option(names = "--links", paramLabel = "N", defaultValue = "8", converter = Converters.PositiveIntConverter.class,
            description = "Links to open on its own until it has N (default: ${DEFAULT-VALUE}); peers dialing in, "
                    + "lookups and messages to unlinked peers may add more.")
    int links;

    @Option(names = "--mailbox-days", paramLabel = "DAYS", defaultValue = "7",
            converter = Converters.MailboxDaysConverter.class,
            description = "Longest this node holds mail for peers who are away, 1 to 30 days (default: ${DEFAULT-VALUE}).")
    int mailboxDays;

    @Option(names = "--mailbox-replicas", paramLabel = "K", defaultValue = "3",
            converter = Converters.ReplicasConverter.class,
            description = "Peers that hold each message for a peer who is away (default: ${DEFAULT-VALUE}).")
    int mailboxReplicas;

    @Option(names = "--mailbox-recipient-kib", paramLabel = "KIB", defaultValue = "8192",
            converter = Converters.PositiveIntConverter.class,
            description = "Most this node holds for one recipient (default: ${DEFAULT-VALUE}).")
    int mailboxRecipientKib;

    @Option(names = "--mailbox-sender-kib", paramLabel = "KIB", defaultValue = "4096",
            converter = Converters.PositiveIntConverter.class,
            description = "Most this node holds from one sender (default: ${DEFAULT-VALUE}).")
    int mailboxSenderKib;

    @Option(names = "--mailbox-storage-mib", paramLabel = "MIB", defaultValue = "256",
            converter = Converters.PositiveIntConverter.class,
            description = "Most this node holds for others in all (default: ${DEFAULT-VALUE}).")
    int mailboxStorageMib;

    @Option(names = "--no-relay",
            description = "Relay no links for peers that cannot be dialled (by default a node relays, within limits).")
    boolean noRelay;

    @Option(names = "--no-port-mapping",
            description = "Do not ask the router (UPnP-IGD, NAT-PMP or PCP) to forward the listen port to this node "
                    + "(by default a node asks, and announces the mapped address once peers reach it there).")
    boolean noPortMapping;

    @Option(names = "--downloads", paramLabel = "DIR",
            description = "Where received files are written (default: the home's downloads folder).")
    Path downloads;

    @Option(names = "--max-file-mib", paramLabel = "MIB", defaultValue = "1024",
            converter = Converters.PositiveIntConverter.class,
            description = "Largest file this node sends or fetches (default: ${DEFAULT-VALUE}).")
    int maxFileMib;

    @Option(names = "--partial-download-days", paramLabel = "DAYS", defaultValue = "30",
            converter = Converters.PartialDaysConverter.class,
            description = "A download that gets no chunk for this long fails and its partial file is deleted, "
                    + "1 to 365 days (default: ${DEFAULT-VALUE}).")
    int partialDownloadDays;

    @Option(names = "--stamp-bits", paramLabel = "BITS", defaultValue = "18",
            converter = Converters.StampBitsConverter.class,
            description = "Proof of work a first message to anyone costs, paid once per correspondent and day, and "
                    + "asked of mail this node holds and of strangers, " + Converters.StampBitsConverter.LEAST + " to "
                    + "28 bits; every node of a network must use the same (default: ${DEFAULT-VALUE}).")
    int stampBits;

    @Option(names = "--log-level", paramLabel = "LEVEL", defaultValue = "INFO",
            converter = Converters.LogLevelConverter.class,
            description = "Log detail: SEVERE, WARNING, INFO, FINE (default: ${DEFAULT-VALUE}).")
    String logLevel;

    /** The options of a node that joins through {@code seeds} (the seed list with {@code --bootstrap}). */
    NodeOptions nodeOptions(List<DialTarget> seeds) {
        return NodeOptions.of(listen, seeds).withTargetLinks(links).withAnnounce(announce)
                .withMailbox(MailboxConfig.defaults()
                        .withHoldFor(Duration.ofDays(mailboxDays))
                        .withReplicas(mailboxReplicas)
                        .withQuotas(mailboxRecipientKib * 1024L, mailboxSenderKib * 1024L,
                                mailboxStorageMib * 1024L * 1024L))
                .withRelay(noRelay ? RelayLimits.defaults().disabled() : RelayLimits.defaults())
                .withPortMapping(!noPortMapping)
                .withFiles(downloads == null ? null : downloads.toAbsolutePath(),
                        FileConfig.defaults().withMaxFileBytes(maxFileMib * 1024L * 1024L)
                                .withPartialExpiry(Duration.ofDays(partialDownloadDays)))
                .withStampBits(stampBits);
    }

    Level level() throws CliException {
        try {
            return Level.parse(logLevel.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new CliException("unknown log level '" + logLevel + "' (use SEVERE, WARNING, INFO or FINE)");
        }
    }
}
