package org.parley.groups;

import com.google.protobuf.ByteString;
import java.util.List;
import org.parley.identity.PeerId;
import org.parley.messaging.GroupSignalTransport;
import org.parley.proto.wire.v1.GroupAck;
import org.parley.proto.wire.v1.GroupSignal;
import org.parley.proto.wire.v1.LogIds;

/**
 * Group control sent once, never stored nor acknowledged: acknowledgements, heads, back-fill
 * requests and answers. What is lost is asked for again at a later beat. (What must arrive goes
 * through the {@link SignalOutbox}.) It goes over the member's link
 * ({@link GroupSignalTransport#sendGroupSignal}); only acknowledgements also go to the member's
 * mailboxes when there is none.
 */
final class OneShotSignal {
    private final PeerId self;
    private final GroupSignalTransport transport;

    OneShotSignal(PeerId self, GroupSignalTransport transport) {
        this.self = self;
        this.transport = transport;
    }

    void send(PeerId peer, GroupSignal.Builder control) {
        transport.sendGroupSignal(peer, control.build().toByteArray());
    }

    /**
     * Tells {@code peer} we stored what its control message changed (IDs of another size name
     * nothing). With no link to it, through its mailboxes, as what is acknowledged may well have
     * come (issue 15: two members behind NATs with no relay between them never link): the
     * acknowledgement is what ends the member's resends, its daily deposits of the same signal
     * and its attempts to reach us. Heads and back-fill are not carried: they are asked again at
     * every beat, and a link brings them.
     */
    void acknowledge(PeerId peer, ByteString signalId) {
        if (signalId.size() == 16) {
            byte[] ack = GroupSignal.newBuilder().setAck(GroupAck.newBuilder().addSignalIds(signalId)).build()
                    .toByteArray();
            if (!transport.sendGroupSignal(peer, ack)) {
                transport.carryGroupSignal(peer, ack);
            }
        }
    }

    /** Asks {@code from} (not us, not nobody) for up to {@link Groups#MAX_IDS} of the entries {@code ids} name. */
    void requestBackfill(GroupState state, PeerId from, List<ByteString> ids) {
        if (ids.isEmpty() || from == null || from.equals(self)) {
            return;
        }
        send(from, GroupSignal.newBuilder().setBackfillRequest(LogIds.newBuilder()
                .setGroupId(ByteString.copyFrom(state.id.bytes()))
                .addAllIds(ids.subList(0, Math.min(ids.size(), Groups.MAX_IDS)))));
    }
}
