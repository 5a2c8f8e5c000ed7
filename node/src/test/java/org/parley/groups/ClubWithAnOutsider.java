package org.parley.groups;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import org.parley.runtime.VirtualScheduler;

/**
 * alice, bob and carol share a group alice made ("club"); mallory is linked to all three and is
 * not a member. What the group signal tests start from.
 */
record ClubWithAnOutsider(GroupNode alice, GroupNode bob, GroupNode carol, GroupNode mallory, GroupId id) {
    static ClubWithAnOutsider start(VirtualScheduler loop, Path directory, SecureRandom random) {
        GroupNode alice = new GroupNode("alice", 1, loop, directory, random);
        GroupNode bob = new GroupNode("bob", 2, loop, directory, random);
        GroupNode carol = new GroupNode("carol", 3, loop, directory, random);
        GroupNode mallory = new GroupNode("mallory", 4, loop, directory, random);
        GroupNode.linkAll(List.of(alice, bob, carol, mallory));
        loop.advance(Duration.ofSeconds(5));
        GroupId id = alice.await(alice.groups.create("club")).id();
        alice.await(alice.groups.invite(id, bob.id(), false));
        alice.await(alice.groups.invite(id, carol.id(), false));
        loop.advance(Duration.ofSeconds(5));
        bob.await(bob.groups.join(id));
        carol.await(carol.groups.join(id));
        loop.advance(Duration.ofSeconds(5));
        return new ClubWithAnOutsider(alice, bob, carol, mallory, id);
    }
}
