package org.parley.cli;

import java.nio.file.Path;
import java.nio.file.Paths;
import org.parley.store.ProfileHome;
import picocli.CommandLine.Option;

/** {@code --home DIR}, else {@code $PARLEY_HOME}, else {@code ~/.parley}. */
public final class HomeOption {
    static final String ENVIRONMENT_VARIABLE = "PARLEY_HOME";

    @Option(names = "--home", paramLabel = "DIR",
            description = "Profile directory (default: $PARLEY_HOME, else ~/.parley).")
    Path home;

    public ProfileHome resolve(CliContext context) {
        if (home != null) {
            return new ProfileHome(home);
        }
        return context.env(ENVIRONMENT_VARIABLE)
                .map(value -> new ProfileHome(Paths.get(value)))
                .orElseGet(() -> new ProfileHome(Paths.get(System.getProperty("user.home"), ".parley")));
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
