package org.parley.groups;

import com.google.protobuf.ByteString;
import java.util.List;
import java.util.function.BiConsumer;
import org.parley.identity.PeerId;
import org.parley.proto.wire.v1.GroupAck;
import org.parley.proto.wire.v1.GroupSignal;
import org.parley.proto.wire.v1.LogIds;

/**
 * Group control sent once, never stored nor acknowledged: acknowledgements, heads, back-fill
 * requests and answers. What is lost is asked for again at a later beat. (What must arrive goes
 * through the {@link SignalOutbox}.) The transport is the messenger's
 * {@link org.parley.messaging.GroupSignalTransport#sendGroupSignal}.
 */
final class OneShotSignal {
    private final PeerId self;
    private final BiConsumer<PeerId, byte[]> transport;

    OneShotSignal(PeerId self, BiConsumer<PeerId, byte[]> transport) {
        this.self = self;
        this.transport = transport;
    }

    void send(PeerId peer, GroupSignal.Builder control) {
        transport.accept(peer, control.build().toByteArray());
    }

    /** Tells {@code peer} we stored what its control message changed (IDs of another size name nothing). */
    void acknowledge(PeerId peer, ByteString signalId) {
        if (signalId.size() == 16) {
            send(peer, GroupSignal.newBuilder().setAck(GroupAck.newBuilder().addSignalIds(signalId)));
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
