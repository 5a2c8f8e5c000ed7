package org.parley.groups;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.parley.identity.PeerId;
import org.parley.runtime.VirtualScheduler;

/**
 * alice, bob and carol share a group alice made ("club"); mallory is linked to all three and is
 * not a member. What the group signal tests start from: they extend this for its fields.
 */
abstract class ClubWithAnOutsider {
    private static final SecureRandom RANDOM = new SecureRandom();

    @TempDir
    Path directory;

    final VirtualScheduler loop = new VirtualScheduler(1_700_000_000_000L);
    GroupNode alice;
    GroupNode bob;
    GroupNode carol;
    GroupNode mallory;
    GroupId id;

    @BeforeEach
    final void aliceBobAndCarolShareAGroupMalloryIsOutside() {
        alice = new GroupNode("alice", 1, loop, directory, RANDOM);
        bob = new GroupNode("bob", 2, loop, directory, RANDOM);
        carol = new GroupNode("carol", 3, loop, directory, RANDOM);
        mallory = new GroupNode("mallory", 4, loop, directory, RANDOM);
        GroupNode.linkAll(List.of(alice, bob, carol, mallory));
        loop.advance(Duration.ofSeconds(5));
        id = alice.await(alice.groups.create("club")).id();
        alice.await(alice.groups.invite(id, bob.id(), false));
        alice.await(alice.groups.invite(id, carol.id(), false));
        loop.advance(Duration.ofSeconds(5));
        bob.await(bob.groups.join(id));
        carol.await(carol.groups.join(id));
        loop.advance(Duration.ofSeconds(5));
    }

    /** The fixture's name for {@code member}, for readable assertions. */
    String name(PeerId member) {
        return member.equals(alice.id()) ? "alice" : member.equals(bob.id()) ? "bob"
                : member.equals(carol.id()) ? "carol" : member.equals(mallory.id()) ? "mallory" : member.toString();
    }
}
