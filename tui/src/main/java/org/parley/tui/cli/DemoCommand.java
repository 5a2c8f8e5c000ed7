package org.parley.tui.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.logging.Level;
import org.parley.api.ApiException;
import org.parley.cli.CliException;
import org.parley.cli.ParleyCli;
import org.parley.node.LogFiles;
import org.parley.store.ProfileHome;
import org.parley.tui.app.MarksStore;
import org.parley.tui.app.NodeConnection;
import org.parley.tui.demo.DemoNetwork;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

@Command(name = "demo", mixinStandardHelpOptions = true, description = {
        "Try Parley: chat with bot peers on a local network, in the terminal.",
        "Starts your node and a few bots on this machine with throwaway profiles and opens the",
        "terminal client. Quitting (or Ctrl-C) stops them all and deletes what it made."})
final class DemoCommand implements Callable<Integer> {
    private static final String USER = "you";

    @ParentCommand
    ParleyCli cli;

    @Option(names = "--no-bell", description = "Do not ring the terminal bell when a message arrives.")
    boolean noBell;

    @Override
    public Integer call() throws CliException {
        TerminalSession.requireTerminal();
        Path directory;
        try {
            directory = Files.createTempDirectory("parley-demo-");
        } catch (IOException e) {
            throw new CliException("cannot create a directory for the demo: " + e.getMessage(), e);
        }
        cli.context().err().println("parley demo: starting a local network in " + directory);
        DemoNetwork network;
        try {
            network = DemoNetwork.start(directory, USER);
        } catch (IOException | ApiException e) {
            throw new CliException("cannot start the demo: " + e.getMessage(), e);
        }
        try {
            LogFiles.install(new ProfileHome(directory.resolve(USER)), Level.INFO);
        } catch (IOException e) {
            closeQuietly(network);
            throw new CliException("cannot write the demo's log: " + e.getMessage(), e);
        }
        Thread cleanup = new Thread(() -> closeQuietly(network), "parley-demo-cleanup");
        Runtime.getRuntime().addShutdownHook(cleanup);
        try {
            TerminalSession.run(NodeConnection.fixed(network.user().api()), MarksStore.inMemory(), !noBell, network::greet);
        } finally {
            closeQuietly(network);
            Runtime.getRuntime().removeShutdownHook(cleanup);
        }
        cli.context().err().println("parley demo: stopped, and removed " + directory);
        return 0;
    }

    private static void closeQuietly(DemoNetwork network) {
        try {
            network.close();
        } catch (IOException e) {
            System.err.println("parley demo: could not delete all of " + network.directory() + ": " + e.getMessage());
        }
    }
}
