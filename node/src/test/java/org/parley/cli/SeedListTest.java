package org.parley.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.parley.identity.Identity;
import org.parley.link.DialTarget;
import org.parley.store.ProfileHome;

class SeedListTest {
    @TempDir
    Path directory;

    @Test
    void theHomesSeedsComeFirstAndBootstrapAddsToThemEachOnce() throws Exception {
        String seedId = Identity.generate("seed", new SecureRandom()).peerId().toString();
        ProfileHome home = new ProfileHome(directory);
        Files.writeString(home.seeds(), """
                # the project's seeds
                %s@198.51.100.2:7450

                seed2.example.org:7450   # a second one
                """.formatted(seedId));
        List<DialTarget> seeds = SeedList.of(home, List.of(DialTarget.parse("203.0.113.5:7450"),
                DialTarget.parse("seed2.example.org:7450")));
        assertEquals(List.of(DialTarget.parse(seedId + "@198.51.100.2:7450"), DialTarget.parse("seed2.example.org:7450"),
                DialTarget.parse("203.0.113.5:7450")), seeds);
    }

    @Test
    void noFileMeansNoSeedsButABadLineIsAnErrorNamingIt() throws Exception {
        ProfileHome home = new ProfileHome(directory);
        assertEquals(List.of(DialTarget.parse("203.0.113.5:7450")),
                SeedList.of(home, List.of(DialTarget.parse("203.0.113.5:7450"))));
        Files.writeString(home.seeds(), "198.51.100.2:7450\nnot a seed\n");
        CliException error = assertThrows(CliException.class, () -> SeedList.of(home, List.of()));
        assertTrue(error.getMessage().contains("seeds line 2: expected host:port"), error.getMessage());
        Files.writeString(home.seeds(), "198.51.100.2:7450\n".repeat(SeedList.MAX_SEEDS + 1));
        assertThrows(CliException.class, () -> SeedList.of(home, List.of()));
    }
}
