package org.parley.groups;

import com.google.protobuf.ByteString;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.parley.identity.PeerId;
import org.parley.proto.wire.v1.SenderKeyGrant;

/**
 * Sender-key grants that came before what makes them usable: the invitation to their group, or
 * the op that makes their sender a member. Mail picked up from several replicas comes in any
 * order, and the member who sent it may be away by the time the invitation is read, so a grant is
 * kept until its group knows its sender rather than dropped for the sender to send again. Bounded
 * (oldest out first); only peers with a pairwise session can put a grant here. Confined to the
 * node's loop.
 */
final class EarlyGrants {
    /** A held grant, with the control ID to acknowledge once it is taken in. */
    record Early(GroupId group, PeerId sender, ByteString signalId, SenderKeyGrant grant) {
    }

    private final int capacity;
    /** Keyed by sender and control ID, so a grant sent again is held once. */
    private final Map<List<Object>, Early> held = new LinkedHashMap<>();

    EarlyGrants(int capacity) {
        this.capacity = capacity;
    }

    void hold(GroupId group, PeerId sender, ByteString signalId, SenderKeyGrant grant) {
        held.putIfAbsent(List.of(sender, signalId), new Early(group, sender, signalId, grant));
        if (held.size() > capacity) {
            Iterator<Early> oldest = held.values().iterator();
            oldest.next();
            oldest.remove();
        }
    }

    /** Takes out, oldest first, the grants for {@code group} whose sender {@code usable} accepts now. */
    List<Early> takeUsable(GroupId group, Predicate<PeerId> usable) {
        List<Early> taken = new ArrayList<>();
        for (Iterator<Early> each = held.values().iterator(); each.hasNext(); ) {
            Early early = each.next();
            if (early.group().equals(group) && usable.test(early.sender())) {
                taken.add(early);
                each.remove();
            }
        }
        return taken;
    }

    int size() {
        return held.size();
    }
}
