package org.parley.cli;

import java.io.IOException;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.parley.api.ApiException;
import org.parley.api.IdentityView;
import org.parley.control.ControlClient;
import org.parley.identity.Fingerprint;
import org.parley.identity.Identity;
import org.parley.node.DaemonLock;
import org.parley.store.ProfileHome;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

@Command(name = "id", mixinStandardHelpOptions = true, description = {"Print this profile's peer ID.",
        "Asks the running daemon; without one, unlocks the keystore."})
final class IdCommand implements Callable<Integer> {
    /** The documented shape of {@code id --json}. */
    record IdJson(String peerId, String name, String fingerprint) {
    }

    @ParentCommand
    ParleyCli cli;

    @Mixin
    HomeOption homeOption;

    @Mixin
    PassphraseOption passphraseOption;

    @Option(names = "--json", description = "Print {\"peerId\",\"name\",\"fingerprint\"} as JSON.")
    boolean json;

    @Override
    public Integer call() throws CliException {
        CliContext context = cli.context();
        ProfileHome home = homeOption.existing(context);
        Optional<IdJson> fromDaemon = fromDaemon(home);
        IdJson id = fromDaemon.isPresent() ? fromDaemon.get() : fromKeystore(home, context);
        if (json) {
            context.out().println(Json.of(id));
        } else {
            context.out().println(id.peerId());
        }
        return 0;
    }

    private IdJson fromKeystore(ProfileHome home, CliContext context) throws CliException {
        Identity identity = Profiles.unlock(home, passphraseOption, context).identity();
        return new IdJson(identity.peerId().toString(), identity.name(), Fingerprint.of(identity.peerId()));
    }

    private static Optional<IdJson> fromDaemon(ProfileHome home) throws CliException {
        try {
            if (!DaemonLock.isHeld(home)) {
                return Optional.empty();
            }
            Optional<ControlClient> client = ControlClient.connect(home);
            if (client.isEmpty()) {
                return Optional.empty();
            }
            try (ControlClient daemon = client.get()) {
                IdentityView identity = daemon.identity();
                return Optional.of(new IdJson(identity.peerId(), identity.name(), identity.fingerprint()));
            }
        } catch (IOException | ApiException e) {
            throw new CliException(e.getMessage(), e);
        }
    }
}
