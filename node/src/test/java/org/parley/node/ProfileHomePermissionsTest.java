package org.parley.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.logging.Level;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.parley.store.PrivateFiles;
import org.parley.store.ProfileHome;

/** Another local user must not read a profile: its directories and log files are owner-only. */
class ProfileHomePermissionsTest {
    @TempDir
    Path directory;

    @Test
    void anExistingHomeAndLogDirectoryAreTightenedToOwnerOnly() throws Exception {
        assumeTrue(FileSystems.getDefault().supportedFileAttributeViews().contains("posix"));
        Path root = directory.resolve("home");
        Files.createDirectories(root.resolve("logs"));
        Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.setPosixFilePermissions(root.resolve("logs"), PosixFilePermissions.fromString("rwxrwxrwx"));
        new ProfileHome(root).create();
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(root)));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(root.resolve("logs"))));
    }

    @Test
    void logFilesAreOwnerOnlyWhateverTheUmaskMadeThem() throws Exception {
        assumeTrue(FileSystems.getDefault().supportedFileAttributeViews().contains("posix"));
        ProfileHome home = new ProfileHome(directory.resolve("home"));
        home.create();
        Path old = home.logDirectory().resolve("parley.1.log");
        Files.writeString(old, "from an earlier run\n");
        Files.setPosixFilePermissions(old, PosixFilePermissions.fromString("rw-r--r--"));
        try {
            LogFiles.install(home, Level.INFO);
            java.util.logging.Logger.getLogger("test").info("a line that names a peer");
            try (var files = Files.list(home.logDirectory())) {
                for (Path file : files.toList()) {
                    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)),
                            file.toString());
                }
            }
            assertFalse(PrivateFiles.readableByOthers(home.logFile()));
        } finally {
            LogFiles.silence();
        }
    }
}
