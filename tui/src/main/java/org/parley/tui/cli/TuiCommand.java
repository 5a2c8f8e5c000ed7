package org.parley.tui.cli;

import java.io.IOException;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.parley.api.ApiException;
import org.parley.api.DisplayNames;
import org.parley.cli.CliContext;
import org.parley.cli.CliException;
import org.parley.cli.HomeOption;
import org.parley.cli.NodeNetworkOptions;
import org.parley.cli.OwnNode;
import org.parley.cli.ParleyCli;
import org.parley.cli.PassphraseOption;
import org.parley.cli.Profiles;
import org.parley.control.ControlClient;
import org.parley.store.ProfileHome;
import org.parley.tui.app.MarksFile;
import org.parley.tui.app.MarksStore;
import org.parley.tui.app.NodeConnection;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

@Command(name = "tui", mixinStandardHelpOptions = true, description = {
        "Chat in the terminal (F1 in it lists keys and commands).",
        "Attaches to the home's running daemon, or else starts the node here with the network options",
        "below, creating the identity on first use. Logs go to DIR/logs/."})
final class TuiCommand implements Callable<Integer> {
    static final String MARKS_FILE = "tui-marks";

    @ParentCommand
    ParleyCli cli;

    @Mixin
    HomeOption homeOption;

    @Mixin
    PassphraseOption passphraseOption;

    @Mixin
    NodeNetworkOptions network;

    @Option(names = "--name", paramLabel = "NAME", description = "Your display name, when the identity is created "
            + "on first use (default: your user name).")
    String name;

    @Option(names = "--no-bell", description = "Do not ring the terminal bell when a message arrives.")
    boolean noBell;

    @Override
    public Integer call() throws CliException {
        TerminalSession.requireTerminal();
        CliContext context = cli.context();
        ProfileHome home = homeOption.resolve(context);
        Optional<ControlClient> daemon = runningDaemon(home);
        if (daemon.isPresent()) {
            try (DaemonConnection connection = new DaemonConnection(home, daemon.get())) {
                TerminalSession.run(connection, marks(home), !noBell, () -> { });
            }
            return 0;
        }
        String displayName = displayName();
        if (!home.hasIdentity()) {
            createHome(home);
        }
        try (OwnNode own = OwnNode.start(home, () -> home.hasIdentity()
                ? Profiles.unlock(home, passphraseOption, context)
                : Profiles.create(home, displayName, passphraseOption, context), network)) {
            TerminalSession.run(NodeConnection.fixed(own.node().api()), marks(home), !noBell, () -> { });
        }
        return 0;
    }

    /** Read markers and mutes live in the home, beside the identity they belong to. */
    private static MarksStore marks(ProfileHome home) {
        return new MarksFile(home.root().resolve(MARKS_FILE));
    }

    private static void createHome(ProfileHome home) throws CliException {
        try {
            home.create();
        } catch (IOException e) {
            throw new CliException("cannot create " + home + ": " + e.getMessage(), e);
        }
    }

    private String displayName() throws CliException {
        try {
            return DisplayNames.check(name != null ? name : System.getProperty("user.name", "me"));
        } catch (ApiException e) {
            throw new CliException(e.getMessage(), e);
        }
    }

    /** The home's daemon when one runs and answers. */
    private static Optional<ControlClient> runningDaemon(ProfileHome home) throws CliException {
        Optional<ControlClient> client;
        try {
            client = ControlClient.connect(home);
        } catch (ApiException e) {
            throw new CliException(e.getMessage(), e);
        }
        if (client.isEmpty()) {
            return client;
        }
        try {
            client.get().identity();
            return client;
        } catch (ApiException e) {
            client.get().close();
            throw new CliException("the daemon of " + home + " does not answer: " + e.getMessage(), e);
        }
    }
}
