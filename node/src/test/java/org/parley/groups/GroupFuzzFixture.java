package org.parley.groups;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.parley.identity.PeerId;
import org.parley.runtime.VirtualScheduler;

/**
 * Alice (admin) and Bob (member) sharing a group, made once per fuzzing run: setting up SQLite
 * files and a group for every input would leave the fuzzer little time for the inputs themselves.
 * The files go when the JVM exits.
 */
final class GroupFuzzFixture {
    private static GroupFuzzFixture shared;

    final VirtualScheduler loop = new VirtualScheduler(1_700_000_000_000L);
    final GroupNode alice;
    final GroupNode bob;
    final GroupId id;

    private GroupFuzzFixture(Path directory) {
        SecureRandom random = new SecureRandom();
        alice = new GroupNode("alice", 1, loop, directory, random);
        bob = new GroupNode("bob", 2, loop, directory, random);
        GroupNode.linkAll(List.of(alice, bob));
        loop.advance(Duration.ofSeconds(5));
        id = alice.await(alice.groups.create("club")).id();
        alice.await(alice.groups.invite(id, bob.id(), false));
        loop.advance(Duration.ofSeconds(5));
        bob.await(bob.groups.join(id));
        loop.advance(Duration.ofSeconds(5));
        bob.await(bob.groups.send(id, "hello"));
        loop.advance(Duration.ofSeconds(5));
    }

    static synchronized GroupFuzzFixture shared() {
        if (shared == null) {
            try {
                Path directory = Files.createTempDirectory("parley-group-fuzz-");
                Runtime.getRuntime().addShutdownHook(new Thread(() -> delete(directory)));
                shared = new GroupFuzzFixture(directory);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return shared;
    }

    Map<PeerId, Boolean> aliceSeesMembers() {
        return alice.await(alice.groups.members(id));
    }

    int aliceHistorySize() {
        return alice.history(id).size();
    }

    private static void delete(Path directory) {
        try (Stream<Path> files = Files.walk(directory)) {
            files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException ignored) {
            // a temporary directory left behind
        }
    }
}
