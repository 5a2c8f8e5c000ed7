package org.parley.cli;

import java.io.IOException;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.logging.Logger;
import org.parley.api.ApiException;
import org.parley.control.ControlServer;
import org.parley.identity.Identity;
import org.parley.node.ParleyNode;
import org.parley.node.ShutdownAwareLogManager;
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

    @Mixin
    NodeNetworkOptions network;

    @Option(names = "--control-tcp", description = {"Serve the control API on a loopback port instead of the home's "
            + "socket: for platforms without Unix domain sockets (see docs/API.md for what it risks)."})
    boolean controlTcp;

    @Override
    public Integer call() throws CliException {
        CliContext context = cli.context();
        ProfileHome home = homeOption.existing(context);
        OwnNode own = OwnNode.start(home, () -> Profiles.unlock(home, passphraseOption, context), network);
        ParleyNode node = own.node();
        Identity identity = node.identity();
        ControlServer control;
        try {
            control = controlTcp ? ControlServer.startOnLoopback(node.api(), home)
                    : ControlServer.start(node.api(), home);
        } catch (IOException e) {
            own.close();
            throw new CliException("cannot start the control API: " + e.getMessage(), e);
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            LOG.info("stopping on signal");
            control.close();
            own.close();
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

    private static void awaitQuietly(CountDownLatch stopped) {
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
