package org.parley.groups;

import java.util.Collection;
import java.util.HashSet;
import java.util.Set;
import org.parley.identity.PeerId;

/**
 * Who shares a group with us, for the first-contact work (decision 0084). A fellow member is a
 * member, in our view of the group's signed ops, of a group we hold and are still in (invited
 * or joined); its group control other than invitations needs no work. We leave the work out of
 * what we send a fellow only once it sent us group control itself: it then holds a group with
 * us as a member, so it asks none of us; before that it may not know the op that added us yet.
 * The set is read from any thread (envelopes are checked off the loop); the rest is confined to
 * the loop.
 */
final class FellowMembers {
    private final PeerId self;
    private volatile Set<PeerId> fellows = Set.of();
    private final Set<PeerId> heardFrom = new HashSet<>();

    FellowMembers(PeerId self) {
        this.self = self;
    }

    /** Recounts after any group's membership changed, or a group became known. */
    void refresh(Collection<GroupState> groups) {
        Set<PeerId> now = new HashSet<>();
        for (GroupState state : groups) {
            if (state.membership.isMember(self)) {
                now.addAll(state.membership.members().keySet());
            }
        }
        now.remove(self);
        fellows = Set.copyOf(now);
    }

    /** Whether {@code peer} shares a group with us; safe from any thread. */
    boolean test(PeerId peer) {
        return fellows.contains(peer);
    }

    /** {@code peer} sent us group control, proved by its envelope; kept for fellows only, so the set stays bounded. */
    void heardFrom(PeerId peer) {
        if (test(peer)) {
            heardFrom.add(peer);
        }
    }

    /** Whether {@code peer} holds a group with us as a member, as far as we can tell: it asks no work of us. */
    boolean knowUs(PeerId peer) {
        return heardFrom.contains(peer) && fellows.contains(peer);
    }
}
