package org.parley.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Where the home and its configuration are when nothing names them, and when something does. */
class HomeLocationTest {
    @TempDir
    Path user;

    private final Map<String, String> environment = new HashMap<>();

    @Test
    void onLinuxANewHomeFollowsTheXdgBaseDirectories() {
        HomeLocation where = locate(Optional.empty(), true);
        assertEquals(user.resolve(".local/share/parley"), where.home().root());
        assertEquals(user.resolve(".config/parley/parley.conf"), where.configFile());

        environment.put("XDG_DATA_HOME", user.resolve("data").toString());
        environment.put("XDG_CONFIG_HOME", user.resolve("conf").toString());
        where = locate(Optional.empty(), true);
        assertEquals(user.resolve("data/parley"), where.home().root());
        assertEquals(user.resolve("conf/parley/parley.conf"), where.configFile());
    }

    @Test
    void relativeOrEmptyXdgVariablesAreIgnoredAsTheSpecificationSays() {
        environment.put("XDG_DATA_HOME", "relative/data");
        environment.put("XDG_CONFIG_HOME", "");
        HomeLocation where = locate(Optional.empty(), true);
        assertEquals(user.resolve(".local/share/parley"), where.home().root());
        assertEquals(user.resolve(".config/parley/parley.conf"), where.configFile());
    }

    @Test
    void anExistingDotParleyStaysInUseWithItsConfigurationInside() throws Exception {
        Files.createDirectory(user.resolve(".parley"));
        environment.put("XDG_DATA_HOME", user.resolve("data").toString());
        HomeLocation where = locate(Optional.empty(), true);
        assertEquals(user.resolve(".parley"), where.home().root());
        assertEquals(user.resolve(".parley/parley.conf"), where.configFile());
    }

    @Test
    void elsewhereThanLinuxTheHomeIsDotParley() {
        HomeLocation where = locate(Optional.empty(), false);
        assertEquals(user.resolve(".parley"), where.home().root());
        assertEquals(user.resolve(".parley/parley.conf"), where.configFile());
    }

    @Test
    void aNamedHomeKeepsItsConfigurationInsideAndTheFlagBeatsTheVariable() {
        environment.put("PARLEY_HOME", user.resolve("from-env").toString());
        environment.put("XDG_CONFIG_HOME", user.resolve("conf").toString());
        assertEquals(user.resolve("from-env/parley.conf"), locate(Optional.empty(), true).configFile());
        HomeLocation flagged = locate(Optional.of(user.resolve("flag")), true);
        assertEquals(user.resolve("flag"), flagged.home().root());
        assertEquals(user.resolve("flag/parley.conf"), flagged.configFile());
    }

    @Test
    void anXdgHomeIsCreatedOwnerOnly() throws Exception {
        environment.put("XDG_DATA_HOME", user.resolve("data").toString());
        environment.put("PARLEY_PASSPHRASE", "correct horse battery");
        HomeLocation where = locate(Optional.empty(), true);
        // init as the CLI runs it, with the XDG home passed on as --home would name it
        StringWriter err = new StringWriter();
        int exit = ParleyCli.execute(new CliContext(environment, question -> Optional.empty(),
                new PrintWriter(new StringWriter(), true), new PrintWriter(err, true)),
                "init", "--home", where.home().toString(), "--name", "me");
        assertEquals(0, exit, err.toString());
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(where.home().root())));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(
                where.home().keystore())));
    }

    private HomeLocation locate(Optional<Path> explicit, boolean linux) {
        return HomeLocation.of(explicit, name -> Optional.ofNullable(environment.get(name)).filter(v -> !v.isEmpty()),
                user, linux);
    }
}
