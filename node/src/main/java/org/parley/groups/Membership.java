package org.parley.groups;

import com.google.protobuf.ByteString;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.parley.identity.PeerId;

/**
 * The member list a set of signed ops yields, by one rule every member applies the same way.
 *
 * <p>The ops form a graph: each causal op names the ops its actor had applied (its parents), and
 * its history is everything below it. An op whose parents are not all held, or whose clock is not
 * one above its largest parent's, is not placed and counts for nothing. Placed ops are taken in an
 * order that puts every op after its history (clock, then op ID), and one takes effect only if
 * <ul>
 * <li>its actor had the right in its own history (what the ops below it that took effect made of
 *     the actor): a create founds the group (its actor, whose key and nonce the group ID derives
 *     from, becomes the first admin); an admin adds a peer (as admin, or promotes a member) or
 *     removes a member; a member leaves;</li>
 * <li>and no removal of its actor that took effect is concurrent with it (neither below the other).
 *     A removed admin who signs ops naming only what came before its removal, so as to look as if
 *     it had not seen it, loses them all. The one exception is a removal of the remover: when two
 *     admins remove each other at once, both go, since which of them acted first cannot be told.</li>
 * </ul>
 * The result depends on the set of ops alone, never on the order they arrived in. Legacy ops (the
 * format before causal ops) have as history every legacy op sorted before them, which gives the
 * old replay for groups stored in that format.
 */
public final class Membership {
    /** Largest group: adds beyond it are skipped. Every removal costs each member one key hand-out per member. */
    public static final int MAX_MEMBERS = 256;

    private record Node(MembershipOp op, ByteString id) {
    }

    private static final Comparator<Node> ORDER = Comparator.comparingLong((Node node) -> node.op().clock())
            .thenComparing(node -> node.id().toByteArray(), Arrays::compareUnsigned);

    private final Map<PeerId, Boolean> members;
    private final List<MembershipOp> heads;
    private final Map<ByteString, Boolean> placedRightful;
    private final Set<ByteString> effective;

    private Membership(Map<PeerId, Boolean> members, List<MembershipOp> heads, Map<ByteString, Boolean> placedRightful,
                       Set<ByteString> effective) {
        this.members = members;
        this.heads = heads;
        this.placedRightful = placedRightful;
        this.effective = effective;
    }

    /** Replays {@code ops} (those of other groups are ignored; the order given does not matter). */
    public static Membership replay(GroupId group, Collection<MembershipOp> ops) {
        List<Node> nodes = new ArrayList<>();
        for (MembershipOp op : ops) {
            if (op.groupId().equals(group)) {
                nodes.add(new Node(op, ByteString.copyFrom(op.id())));
            }
        }
        nodes.sort(ORDER);
        return new Replay(group, nodes).run();
    }

    public boolean isMember(PeerId peer) {
        return members.containsKey(peer);
    }

    public boolean isAdmin(PeerId peer) {
        return Boolean.TRUE.equals(members.get(peer));
    }

    /** Members by peer ID, with whether each is an admin. */
    public Map<PeerId, Boolean> members() {
        return Collections.unmodifiableMap(members);
    }

    /** The parents a new op names: placed ops below no other, the newest {@link MembershipOp#MAX_PARENTS}. */
    public List<MembershipOp> heads() {
        return heads;
    }

    /** Whether the op with this ID is placed: its parents are all held and its clock is right. */
    public boolean placed(ByteString opId) {
        return placedRightful.containsKey(opId);
    }

    /**
     * Whether the op with this ID is placed and its history ever gave its actor the right to make
     * it (admin for adds and removals, member for a leave), whatever came of it. Unlike taking
     * effect, this never changes as more ops arrive.
     */
    public boolean rightful(ByteString opId) {
        return Boolean.TRUE.equals(placedRightful.get(opId));
    }

    /** Whether the op with this ID takes effect. */
    public boolean tookEffect(ByteString opId) {
        return effective.contains(opId);
    }

    /** One replay: placement, histories, then which ops take effect. */
    private static final class Replay {
        private final GroupId group;
        private final List<Node> nodes;
        private final int size;
        private final BitSet placed = new BitSet();
        private final BitSet rightful = new BitSet();
        private final List<BitSet> below = new ArrayList<>();
        private final Map<PeerId, List<Integer>> byTarget = new HashMap<>();
        private final Map<PeerId, List<Integer>> byActor = new HashMap<>();

        Replay(GroupId group, List<Node> nodes) {
            this.group = group;
            this.nodes = nodes;
            this.size = nodes.size();
        }

        Membership run() {
            place();
            BitSet effective = decide();
            Map<PeerId, Boolean> members = new TreeMap<>();
            for (int i = effective.nextSetBit(0); i >= 0; i = effective.nextSetBit(i + 1)) {
                MembershipOp op = op(i);
                switch (op.kind()) {
                    case CREATE -> members.put(op.actor(), true);
                    case ADD -> {
                        Boolean current = members.get(op.target());
                        if (current == null && members.size() < MAX_MEMBERS) {
                            members.put(op.target(), op.admin());
                        } else if (Boolean.FALSE.equals(current) && op.admin()) {
                            members.put(op.target(), true);
                        }
                    }
                    case REMOVE -> members.remove(op.target());
                    case LEAVE -> members.remove(op.actor());
                }
            }
            Map<ByteString, Boolean> placedRightful = new HashMap<>();
            Set<ByteString> tookEffect = new HashSet<>();
            BitSet covered = new BitSet();
            for (int i = placed.nextSetBit(0); i >= 0; i = placed.nextSetBit(i + 1)) {
                placedRightful.put(nodes.get(i).id(), rightful.get(i));
                if (effective.get(i)) {
                    tookEffect.add(nodes.get(i).id());
                }
                covered.or(below.get(i));
            }
            List<MembershipOp> heads = new ArrayList<>();
            for (int i = size - 1; i >= 0 && heads.size() < MembershipOp.MAX_PARENTS; i--) {
                if (placed.get(i) && !covered.get(i)) {
                    heads.add(0, op(i));
                }
            }
            return new Membership(members, List.copyOf(heads), placedRightful, tookEffect);
        }

        private MembershipOp op(int index) {
            return nodes.get(index).op();
        }

        /** Which ops are placed, what lies below each, and whether its history gave its actor the right. */
        private void place() {
            Map<ByteString, Integer> index = new HashMap<>();
            for (int i = 0; i < size; i++) {
                index.put(nodes.get(i).id(), i);
            }
            int lastLegacy = -1;
            for (int i = 0; i < size; i++) {
                MembershipOp op = op(i);
                BitSet history = new BitSet();
                below.add(history);
                if (!op.causal()) {
                    if (lastLegacy >= 0) {
                        history.or(below.get(lastLegacy));
                        history.set(lastLegacy);
                    }
                    lastLegacy = i;
                } else {
                    long largest = 0;
                    boolean complete = true;
                    for (ByteString parent : op.parents()) {
                        Integer at = index.get(parent);
                        if (at == null || at >= i || !placed.get(at)) {
                            complete = false;
                            break;
                        }
                        largest = Math.max(largest, op(at).clock());
                        history.or(below.get(at));
                        history.set(at);
                    }
                    if (!complete || op.clock() != largest + 1) {
                        history.clear();
                        continue;
                    }
                }
                placed.set(i);
                byTarget.computeIfAbsent(op.target(), peer -> new ArrayList<>()).add(i);
                byActor.computeIfAbsent(op.actor(), peer -> new ArrayList<>()).add(i);
                rightful.set(i, everHadTheRight(i));
            }
        }

        private boolean everHadTheRight(int i) {
            MembershipOp op = op(i);
            if (op.kind() == MembershipOp.Kind.CREATE) {
                return true;
            }
            for (int j : byTarget.getOrDefault(op.actor(), List.of())) {
                MembershipOp grant = op(j);
                if (below.get(i).get(j) && (grant.kind() == MembershipOp.Kind.CREATE
                        || (grant.kind() == MembershipOp.Kind.ADD && (grant.admin() || op.kind() == MembershipOp.Kind.LEAVE)))) {
                    return true;
                }
            }
            return false;
        }

        /**
         * Decides, in order, which ops take effect. When a removal takes effect, the ops of the
         * removed peer concurrent with it that were taken lose, and the replay starts again with
         * them left out; each start leaves out more, so it ends.
         */
        private BitSet decide() {
            BitSet lost = new BitSet();
            while (true) {
                BitSet effective = new BitSet();
                boolean founded = false;
                boolean again = false;
                for (int i = placed.nextSetBit(0); i >= 0 && !again; i = placed.nextSetBit(i + 1)) {
                    if (lost.get(i) || !takesEffect(i, effective, founded)) {
                        continue;
                    }
                    effective.set(i);
                    MembershipOp op = op(i);
                    founded |= op.kind() == MembershipOp.Kind.CREATE;
                    if (op.kind() == MembershipOp.Kind.REMOVE && !op.target().equals(op.actor())) {
                        for (int k : byActor.getOrDefault(op.target(), List.of())) {
                            if (k < i && effective.get(k) && !below.get(i).get(k) && !removes(k, op.actor())) {
                                lost.set(k);
                                again = true;
                            }
                        }
                    }
                }
                if (!again) {
                    return effective;
                }
            }
        }

        private boolean takesEffect(int i, BitSet effective, boolean founded) {
            MembershipOp op = op(i);
            if (op.kind() == MembershipOp.Kind.CREATE) {
                return !founded && GroupId.derive(op.actor().publicKey(), op.nonce()).equals(group);
            }
            Boolean actor = standing(op.actor(), i, effective);
            Boolean target = standing(op.target(), i, effective);
            boolean allowed = switch (op.kind()) {
                case ADD -> Boolean.TRUE.equals(actor) && (target == null || (!target && op.admin()));
                case REMOVE -> Boolean.TRUE.equals(actor) && target != null;
                case LEAVE -> actor != null;
                case CREATE -> false;
            };
            if (!allowed) {
                return false;
            }
            for (int j : byTarget.getOrDefault(op.actor(), List.of())) {
                MembershipOp removal = op(j);
                if (j < i && effective.get(j) && removal.kind() == MembershipOp.Kind.REMOVE
                        && !removal.actor().equals(op.actor()) && !below.get(i).get(j) && !removes(i, removal.actor())) {
                    return false;
                }
            }
            return true;
        }

        /** Whether op {@code i} removes {@code peer}. */
        private boolean removes(int i, PeerId peer) {
            return op(i).kind() == MembershipOp.Kind.REMOVE && op(i).target().equals(peer);
        }

        /** What the ops below op {@code i} that took effect made of {@code peer}: null (out), member, admin. */
        private Boolean standing(PeerId peer, int i, BitSet effective) {
            Boolean standing = null;
            for (int j : byTarget.getOrDefault(peer, List.of())) {
                if (j >= i) {
                    break;
                }
                if (!below.get(i).get(j) || !effective.get(j)) {
                    continue;
                }
                MembershipOp op = op(j);
                switch (op.kind()) {
                    case CREATE -> standing = true;
                    case ADD -> standing = standing == null ? op.admin() : standing || op.admin();
                    case REMOVE, LEAVE -> standing = null;
                }
            }
            return standing;
        }
    }
}
