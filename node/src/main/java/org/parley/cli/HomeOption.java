package org.parley.cli;

import java.nio.file.Path;
import java.util.Optional;
import org.parley.store.ProfileHome;
import picocli.CommandLine.Option;

/** {@code --home DIR}; without it, the home {@link HomeLocation} finds. */
public final class HomeOption {
    @Option(names = "--home", paramLabel = "DIR",
            description = "Profile directory (default: $PARLEY_HOME, else ~/.parley if it exists, else on Linux "
                    + "$XDG_DATA_HOME/parley, i.e. ~/.local/share/parley).")
    Path home;

    public ProfileHome resolve(CliContext context) {
        return HomeLocation.of(Optional.ofNullable(home), context).home();
    }

    /** The home, which must already hold an identity. */
    public ProfileHome existing(CliContext context) throws CliException {
        ProfileHome profile = resolve(context);
        if (!profile.hasIdentity()) {
            throw new CliException("no identity in " + profile + " (create one with: parley init --home "
                    + profile + ")");
        }
        return profile;
    }
}
