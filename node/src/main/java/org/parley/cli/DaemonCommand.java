package org.parley.cli;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.parley.api.ApiException;
import org.parley.control.ControlServer;
import org.parley.identity.Identity;
import org.parley.identity.Keystore;
import org.parley.link.DialTarget;
import org.parley.link.HostPort;
import org.parley.node.DaemonLock;
import org.parley.node.LogFiles;
import org.parley.node.ShutdownAwareLogManager;
import org.parley.mailbox.MailboxConfig;
import org.parley.node.NodeOptions;
import org.parley.node.ParleyNode;
import org.parley.store.ProfileHome;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

@Command(name = "daemon", mixinStandardHelpOptions = true, description = {"Run this profile's node in the foreground, headless.",
        "Logs go to DIR/logs/; stop it with Ctrl-C or SIGTERM."})
final class DaemonCommand implements Callable<Integer> {
    private static final Logger LOG = Logger.getLogger(DaemonCommand.class.getName());

    @ParentCommand
    ParleyCli cli;

    @Mixin
    HomeOption homeOption;

    @Mixin
    PassphraseOption passphraseOption;

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

    @Option(names = "--log-level", paramLabel = "LEVEL", defaultValue = "INFO",
            description = "Log detail: SEVERE, WARNING, INFO, FINE (default: ${DEFAULT-VALUE}).")
    String logLevel;

    @Override
    public Integer call() throws CliException {
        CliContext context = cli.context();
        ProfileHome home = homeOption.existing(context);
        Level level = parseLevel(logLevel);
        DaemonLock lock = acquireLock(home);
        Keystore.Unlocked profile = Profiles.unlock(home, passphraseOption, context);
        Identity identity = profile.identity();
        ParleyNode node;
        ControlServer control;
        try {
            LogFiles.install(home, level);
            node = ParleyNode.start(profile, home, NodeOptions.of(listen, bootstrap).withTargetLinks(links)
                    .withAnnounce(announce).withMailbox(MailboxConfig.defaults()
                            .withHoldFor(Duration.ofDays(mailboxDays))
                            .withReplicas(mailboxReplicas)
                            .withQuotas(mailboxRecipientKib * 1024L, mailboxSenderKib * 1024L,
                                    mailboxStorageMib * 1024L * 1024L)));
        } catch (IOException | ApiException e) {
            lock.close();
            throw new CliException(e.getMessage(), e);
        }
        try {
            control = ControlServer.start(node.api(), home);
        } catch (IOException e) {
            node.close();
            lock.close();
            throw new CliException("cannot start the control API: " + e.getMessage(), e);
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            LOG.info("stopping on signal");
            control.close();
            node.close();
            lock.close();
            LOG.info("daemon stopped");
            ShutdownAwareLogManager.closeHandlers();
            stopped.countDown();
        }, "parley-shutdown"));
        try {
            context.out().println("parley daemon: " + identity.name() + " " + identity.peerId() + " listening on "
                    + String.join(", ", node.listenAddresses()) + " (log: " + home.logFile() + ")");
        } catch (ApiException e) {
            LOG.warning("could not read the listen addresses: " + e.getMessage());
        }
        awaitQuietly(stopped);
        return 0;
    }

    private static DaemonLock acquireLock(ProfileHome home) throws CliException {
        Optional<DaemonLock> lock;
        try {
            lock = DaemonLock.tryAcquire(home);
        } catch (IOException e) {
            throw new CliException("cannot lock " + home.daemonLock() + ": " + e.getMessage(), e);
        }
        return lock.orElseThrow(() -> new CliException("a daemon is already running for " + home));
    }

    private static Level parseLevel(String name) throws CliException {
        try {
            return Level.parse(name.toUpperCase(java.util.Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new CliException("unknown log level '" + name + "' (use SEVERE, WARNING, INFO or FINE)");
        }
    }

    private static void awaitQuietly(CountDownLatch stopped) {
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
