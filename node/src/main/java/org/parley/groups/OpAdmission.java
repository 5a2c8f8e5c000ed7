package org.parley.groups;

import com.google.protobuf.ByteString;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.parley.identity.PeerId;
import org.parley.link.Misbehaviour;

/**
 * Which received ops a group keeps. Every op kept is stored for good and counts toward
 * {@link Groups#MAX_OPS}, so only ops that can matter are kept: placed ones (parents held, clock
 * right) whose history gave their actor the right, up to {@link Groups#MAX_OPS_PER_AUTHOR} per
 * actor and no more leaves by a member than adds of it. Ops without their parents yet are left for
 * the sender to send again; legacy ops are kept only when {@code legacyAllowed} (from the inviter).
 */
final class OpAdmission {
    /** A refused op and why; {@code actor} is the one to score when the sender is not to blame. */
    record Refusal(PeerId actor, GroupException reason) {
    }

    /** The ops to keep, whether some wait for parents we lack, and the refusals. */
    record Result(List<MembershipOp> kept, boolean incomplete, List<Refusal> refused) {
    }

    private OpAdmission() {
    }

    static Result admit(GroupId group, Collection<MembershipOp> held, List<MembershipOp> received,
                        boolean legacyAllowed) {
        Map<ByteString, MembershipOp> fresh = new LinkedHashMap<>();
        Set<ByteString> heldIds = new HashSet<>();
        held.forEach(op -> heldIds.add(ByteString.copyFrom(op.id())));
        for (MembershipOp op : received) {
            ByteString id = ByteString.copyFrom(op.id());
            if (!heldIds.contains(id)) {
                fresh.putIfAbsent(id, op);
            }
        }
        List<MembershipOp> all = new ArrayList<>(held);
        all.addAll(fresh.values());
        Membership trial = Membership.replay(group, all);
        Map<PeerId, Integer> byActor = new HashMap<>();
        Map<PeerId, Integer> leaves = new HashMap<>();
        Map<PeerId, Integer> adds = new HashMap<>();
        held.forEach(op -> count(op, byActor, leaves, adds));
        List<MembershipOp> ordered = new ArrayList<>(fresh.values());
        ordered.sort(MembershipChanges.TOPOLOGICAL);
        Set<ByteString> left = new HashSet<>();
        List<MembershipOp> kept = new ArrayList<>();
        List<Refusal> refused = new ArrayList<>();
        boolean incomplete = false;
        for (MembershipOp op : ordered) {
            ByteString id = ByteString.copyFrom(op.id());
            if (!trial.placed(id) || op.parents().stream().anyMatch(left::contains)) {
                left.add(id);
                incomplete = true;
            } else if (!op.causal() && !legacyAllowed) {
                left.add(id);
                refused.add(new Refusal(null, new GroupException(Misbehaviour.MALFORMED,
                        "an op in the format before causal ops, not from our inviter")));
            } else if (!trial.rightful(id)) {
                left.add(id);
                refused.add(new Refusal(op.actor(), new GroupException(Misbehaviour.NOT_ALLOWED,
                        "an op whose history never gave its actor the right")));
            } else if (byActor.getOrDefault(op.actor(), 0) >= Groups.MAX_OPS_PER_AUTHOR
                    || (op.kind() == MembershipOp.Kind.LEAVE
                    && leaves.getOrDefault(op.actor(), 0) >= adds.getOrDefault(op.actor(), 0))) {
                left.add(id);
                refused.add(new Refusal(op.actor(), new GroupException(Misbehaviour.TOO_LARGE,
                        "more ops by one member than a group keeps")));
            } else {
                kept.add(op);
                count(op, byActor, leaves, adds);
            }
        }
        return new Result(kept, incomplete, refused);
    }

    private static void count(MembershipOp op, Map<PeerId, Integer> byActor, Map<PeerId, Integer> leaves,
                              Map<PeerId, Integer> adds) {
        byActor.merge(op.actor(), 1, Integer::sum);
        switch (op.kind()) {
            case CREATE, ADD -> adds.merge(op.target(), 1, Integer::sum);
            case LEAVE -> leaves.merge(op.actor(), 1, Integer::sum);
            case REMOVE -> {
            }
        }
    }
}
