package org.parley.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Optional;
import java.util.function.Function;
import org.parley.store.ProfileHome;

/**
 * Where a profile lives and where its configuration file is.
 *
 * <p>{@code --home DIR}, else {@code $PARLEY_HOME}, else an existing {@code ~/.parley} (homes made
 * before Parley followed the XDG base directories stay where they are), else on Linux the XDG
 * places: data in {@code $XDG_DATA_HOME/parley} ({@code ~/.local/share/parley}), configuration in
 * {@code $XDG_CONFIG_HOME/parley/parley.conf} ({@code ~/.config/parley}). Elsewhere
 * {@code ~/.parley}. A home named explicitly, or the old one, keeps its configuration inside it.
 */
public record HomeLocation(ProfileHome home, Path configFile) {
    static final String HOME_VARIABLE = "PARLEY_HOME";
    static final String CONFIG_FILE = "parley.conf";
    private static final String LEGACY_DIRECTORY = ".parley";
    private static final String APPLICATION = "parley";

    /**
     * @param explicit the {@code --home} given, if any
     * @param environment the process's environment variables (empty values count as unset)
     * @param userHome the user's home directory
     * @param linux whether to follow the XDG base directories
     */
    public static HomeLocation of(Optional<Path> explicit, Function<String, Optional<String>> environment,
                                  Path userHome, boolean linux) {
        Optional<Path> named = explicit.or(() -> environment.apply(HOME_VARIABLE).map(Paths::get));
        if (named.isPresent()) {
            return inside(named.get());
        }
        Path legacy = userHome.resolve(LEGACY_DIRECTORY);
        if (!linux || Files.isDirectory(legacy)) {
            return inside(legacy);
        }
        Path data = xdg(environment, "XDG_DATA_HOME", userHome.resolve(".local/share")).resolve(APPLICATION);
        Path config = xdg(environment, "XDG_CONFIG_HOME", userHome.resolve(".config")).resolve(APPLICATION);
        return new HomeLocation(new ProfileHome(data), config.resolve(CONFIG_FILE).toAbsolutePath().normalize());
    }

    /**
     * This process's view: its environment, its user's home ({@code $HOME} as the XDG
     * specification has it, else Java's idea of it), its operating system.
     */
    static HomeLocation of(Optional<Path> explicit, CliContext context) {
        Path userHome = context.env("HOME").map(Paths::get).filter(Path::isAbsolute)
                .orElseGet(() -> Paths.get(System.getProperty("user.home")));
        return of(explicit, context::env, userHome, System.getProperty("os.name", "").startsWith("Linux"));
    }

    private static HomeLocation inside(Path directory) {
        ProfileHome home = new ProfileHome(directory);
        return new HomeLocation(home, home.root().resolve(CONFIG_FILE));
    }

    /** The variable's directory; the specification says a relative one is invalid and ignored. */
    private static Path xdg(Function<String, Optional<String>> environment, String variable, Path fallback) {
        return environment.apply(variable).map(Paths::get).filter(Path::isAbsolute).orElse(fallback);
    }
}
