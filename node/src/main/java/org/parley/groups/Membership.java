package org.parley.groups;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.parley.identity.PeerId;

/**
 * The member list a set of signed ops yields, by one rule every member applies the same way:
 * replay all known ops in order of (Lamport clock, op ID), and let each take effect only if its
 * actor had the right at that point of the replay. A create founds the group (its actor, whose
 * key and nonce the group ID derives from, becomes the first admin); an admin adds a peer (as
 * admin, or promotes a member) or removes a member; a member leaves. Any other op is skipped.
 * Since the order depends only on the set, two members that hold the same ops hold the same list,
 * however the ops reached them: concurrent changes converge.
 */
public final class Membership {
    /** Largest group: adds beyond it are skipped. Every removal costs each member one key hand-out per member. */
    public static final int MAX_MEMBERS = 256;

    /** The replay order: Lamport clock, then op ID bytes (unsigned). */
    public static final Comparator<MembershipOp> ORDER = Comparator.comparingLong(MembershipOp::clock)
            .thenComparing(MembershipOp::id, Arrays::compareUnsigned);

    private final Map<PeerId, Boolean> members;
    private final long maxClock;

    private Membership(Map<PeerId, Boolean> members, long maxClock) {
        this.members = members;
        this.maxClock = maxClock;
    }

    /** Replays {@code ops} (all of one group; the order given does not matter). */
    public static Membership replay(GroupId group, Collection<MembershipOp> ops) {
        List<MembershipOp> ordered = new ArrayList<>(ops);
        ordered.sort(ORDER);
        Map<PeerId, Boolean> members = new TreeMap<>();
        boolean founded = false;
        long maxClock = 0;
        for (MembershipOp op : ordered) {
            maxClock = Math.max(maxClock, op.clock());
            if (!op.groupId().equals(group)) {
                continue;
            }
            boolean actorIsAdmin = Boolean.TRUE.equals(members.get(op.actor()));
            switch (op.kind()) {
                case CREATE -> {
                    if (!founded && GroupId.derive(op.actor().publicKey(), op.nonce()).equals(group)) {
                        members.put(op.actor(), true);
                        founded = true;
                    }
                }
                case ADD -> {
                    Boolean current = members.get(op.target());
                    if (actorIsAdmin && current == null && members.size() < MAX_MEMBERS) {
                        members.put(op.target(), op.admin());
                    } else if (actorIsAdmin && Boolean.FALSE.equals(current) && op.admin()) {
                        members.put(op.target(), true);
                    }
                }
                case REMOVE -> {
                    if (actorIsAdmin) {
                        members.remove(op.target());
                    }
                }
                case LEAVE -> members.remove(op.actor());
            }
        }
        return new Membership(members, maxClock);
    }

    public boolean isMember(PeerId peer) {
        return members.containsKey(peer);
    }

    public boolean isAdmin(PeerId peer) {
        return Boolean.TRUE.equals(members.get(peer));
    }

    /** Members by peer ID, with whether each is an admin. */
    public Map<PeerId, Boolean> members() {
        return java.util.Collections.unmodifiableMap(members);
    }

    /** The clock a new op must exceed. */
    public long maxClock() {
        return maxClock;
    }
}
