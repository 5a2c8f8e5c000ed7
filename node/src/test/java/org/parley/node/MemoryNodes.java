package org.parley.node;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.parley.identity.Identity;
import org.parley.link.Backoff;
import org.parley.link.DialTarget;
import org.parley.link.HostPort;
import org.parley.link.LinkConfig;
import org.parley.link.memory.InMemoryFabric;
import org.parley.store.ProfileHome;

/**
 * Whole nodes for tests: each with its real SQLite home under one directory, all on one in-memory
 * fabric, redialling quickly so that a test does not wait out the daemon's backoff.
 */
final class MemoryNodes {
    static final LinkConfig LINKS = LinkConfig.defaults()
            .withRedial(new Backoff(Duration.ofMillis(50), Duration.ofMillis(500)));

    private final Path directory;
    private final InMemoryFabric fabric = new InMemoryFabric();

    MemoryNodes(Path directory) {
        this.directory = directory;
    }

    ProfileHome home(String name) throws Exception {
        ProfileHome home = new ProfileHome(directory.resolve(name));
        home.create();
        return home;
    }

    ParleyNode start(Identity identity, ProfileHome home, HostPort address, List<DialTarget> bootstrap)
            throws Exception {
        return ParleyNode.start(identity, new byte[32], home, new NodeOptions(address, bootstrap, LINKS),
                loop -> fabric.endpoint(identity.peerId(), address, LINKS, loop));
    }
}
