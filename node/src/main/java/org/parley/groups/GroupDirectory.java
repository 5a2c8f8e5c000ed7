package org.parley.groups;

import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.logging.Logger;
import org.parley.identity.PeerId;
import org.parley.link.Neighbours;

/**
 * The groups this node knows, by ID and by gossip topic, with what was refused in each: the
 * state every part of {@link Groups} reads. A refusal is counted here and, when it names a peer
 * and deserves it, scores that peer down. Confined to the node's loop.
 */
final class GroupDirectory {
    private static final Logger LOG = Logger.getLogger(GroupDirectory.class.getName());

    private final PeerId self;
    private final Neighbours neighbours;
    private final Map<GroupId, GroupState> groups = new LinkedHashMap<>();
    private final Map<String, GroupState> byTopic = new HashMap<>();
    private final Map<GroupId, Map<String, Long>> refused = new HashMap<>();

    GroupDirectory(PeerId self, Neighbours neighbours) {
        this.self = self;
        this.neighbours = neighbours;
    }

    PeerId self() {
        return self;
    }

    void add(GroupState state) {
        groups.put(state.id, state);
        byTopic.put(state.topic, state);
    }

    /** The group with this ID; null when we know none. */
    GroupState get(GroupId id) {
        return groups.get(id);
    }

    /** The group whose posts go on this topic; null when we know none. */
    GroupState byTopic(String topic) {
        return byTopic.get(topic);
    }

    /** Every group known, in the order they became known. */
    Collection<GroupState> all() {
        return groups.values();
    }

    /** Counts a refusal in a group and scores {@code via} down by its penalty (nobody when null). */
    void count(GroupState state, PeerId via, GroupException reason) {
        LOG.fine(() -> "group " + state.id + ": refused " + reason.getMessage());
        refused.computeIfAbsent(state.id, id -> new HashMap<>()).merge(reason.rejection().label(), 1L, Long::sum);
        if (via != null) {
            neighbours.penalize(via, reason.rejection(), "group: " + reason.getMessage());
        }
    }

    /** Refusals in a group since start, by reason. */
    Map<String, Long> refusedIn(GroupId id) {
        return Map.copyOf(refused.getOrDefault(id, Map.of()));
    }

    GroupRecord record(GroupState state) {
        return new GroupRecord(state.id, state.name, state.status, state.invitedBy,
                state.membership.members().size(), state.membership.isAdmin(self), messageCount(state),
                refusedIn(state.id));
    }

    /** The messages in the group's log: its entries less those that carry actions. */
    static long messageCount(GroupState state) {
        return state.log.size() - state.actionEntries.size();
    }

    /** The group's members but us, in a fixed order. */
    Set<PeerId> otherMembers(GroupState state) {
        Set<PeerId> others = new TreeSet<>(state.membership.members().keySet());
        others.remove(self);
        return others;
    }
}
