package org.parley.groups;

import com.google.protobuf.ByteString;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.parley.identity.PeerId;

/**
 * Invitations that come in chunks: a group with more ops than one message holds is sent as an
 * invitation of {@link Groups#MAX_OPS_PER_MESSAGE} ops followed by more ops, and the op that makes
 * us a member may be in a later chunk. Until the chunks make us a member nothing is stored or
 * acknowledged (the inviter sends them again); they wait here, in memory, one invitation per
 * inviter, at most {@link Groups#MAX_PENDING_INVITATIONS} (oldest out) and {@link Groups#MAX_OPS}
 * ops each. Confined to the node's loop.
 */
final class PendingInvitations {
    /** The chunks of one invitation so far, and the control IDs to acknowledge once it is taken. */
    record Pending(GroupId group, PeerId inviter, String name, Map<ByteString, MembershipOp> ops,
                   List<ByteString> controlIds) {
    }

    private final int capacity;
    private final Map<GroupId, Pending> held = new LinkedHashMap<>();

    PendingInvitations(int capacity) {
        this.capacity = capacity;
    }

    /** Starts (or, sent again, adds to) the invitation to {@code group} from {@code inviter}. */
    Pending start(GroupId group, PeerId inviter, String name, ByteString signalId, List<MembershipOp> ops) {
        Pending pending = held.get(group);
        if (pending == null || !pending.inviter().equals(inviter)) {
            held.values().removeIf(other -> other.inviter().equals(inviter));
            held.remove(group);
            pending = new Pending(group, inviter, name, new LinkedHashMap<>(), new ArrayList<>());
            held.put(group, pending);
            if (held.size() > capacity) {
                Iterator<Pending> oldest = held.values().iterator();
                oldest.next();
                oldest.remove();
            }
        }
        return add(pending, signalId, ops);
    }

    /** Adds a later chunk from the inviter; null when no invitation to {@code group} from it is waiting. */
    Pending more(GroupId group, PeerId sender, ByteString signalId, List<MembershipOp> ops) {
        Pending pending = held.get(group);
        return pending == null || !pending.inviter().equals(sender) ? null : add(pending, signalId, ops);
    }

    void drop(GroupId group) {
        held.remove(group);
    }

    int size() {
        return held.size();
    }

    private Pending add(Pending pending, ByteString signalId, List<MembershipOp> ops) {
        for (MembershipOp op : ops) {
            if (pending.ops().size() >= Groups.MAX_OPS) {
                break;
            }
            pending.ops().putIfAbsent(ByteString.copyFrom(op.id()), op);
        }
        if (!pending.controlIds().contains(signalId)) {
            pending.controlIds().add(signalId);
        }
        return pending;
    }
}
