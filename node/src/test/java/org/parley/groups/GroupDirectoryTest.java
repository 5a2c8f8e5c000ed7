package org.parley.groups;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.parley.identity.Identity;

/** The directory alone: groups by ID and topic, refusals counted, carriers scored. */
class GroupDirectoryTest {
    @TempDir
    Path folder;

    private GroupParts parts;
    private final Identity alice = Identity.generate("alice", GroupParts.RANDOM);
    private final Identity carol = Identity.generate("carol", GroupParts.RANDOM);

    @BeforeEach
    void open() {
        parts = new GroupParts(folder);
    }

    @AfterEach
    void close() {
        parts.close();
    }

    @Test
    void aGroupIsFoundByItsIdAndByItsTopic() {
        GroupState state = parts.group(alice, List.of(parts.me));

        assertSame(state, parts.directory.get(state.id));
        assertSame(state, parts.directory.byTopic(state.id.topic()));
        assertNull(parts.directory.byTopic("another topic"));
    }

    @Test
    void aRefusalIsCountedByReasonAndScoresOnlyACarrierNamed() {
        GroupState state = parts.group(alice, List.of(parts.me, carol));

        parts.directory.count(state, carol.peerId(), new GroupException(GroupRejection.FORGED, "x"));
        parts.directory.count(state, null, new GroupException(GroupRejection.FORGED, "x"));
        parts.directory.count(state, alice.peerId(), new GroupException(GroupRejection.UNKNOWN_KEY, "x"));

        assertEquals(Map.of("forged", 2L, "unknown-key", 1L), parts.directory.refusedIn(state.id));
        assertEquals(Map.of(carol.peerId(), GroupRejection.FORGED.penalty()), parts.links.penalties(),
                "nobody named, or a refusal without a penalty, scores nobody");
        assertEquals(2L, parts.directory.record(state).refused().get("forged"));
    }

    @Test
    void otherMembersLeaveUsOutInAFixedOrder() {
        GroupState state = parts.group(alice, List.of(parts.me, carol));

        assertEquals(List.copyOf(new TreeSet<>(List.of(alice.peerId(), carol.peerId()))),
                List.copyOf(parts.directory.otherMembers(state)));
        assertEquals(3, parts.directory.record(state).members());
        assertFalse(parts.directory.record(state).admin());
    }
}
