package org.parley.sim;

import java.util.Set;
import org.parley.identity.PeerId;
import org.parley.link.FrameHandler;
import org.parley.link.LinkManager;
import org.parley.overlay.dht.DhtConfig;
import org.parley.overlay.dht.DhtKey;
import org.parley.overlay.dht.DhtService;
import org.parley.proto.wire.v1.DhtMessage;
import org.parley.proto.wire.v1.Frame;
import org.parley.proto.wire.v1.Nodes;

/**
 * A Sybil's DHT: the node's own {@link DhtService}, which runs its lookups, with the server side
 * taken over while its {@link Colluders} lie or are silent. Lying, it answers every FindNode
 * with the k Sybils closest to the target (validly signed records, each a real node) and never an
 * honest peer nor the target itself, and keeps no record it is asked to store; silent, it
 * answers nothing.
 */
record CollusiveDht(DhtService dht, LinkManager links, Colluders colluders) implements FrameHandler {
    private static final int K = DhtConfig.defaults().lookup().k();

    @Override
    public Set<Frame.BodyCase> frameTypes() {
        return dht.frameTypes();
    }

    @Override
    public void frameReceived(PeerId from, Frame frame) {
        Colluders.Mode mode = colluders.mode();
        DhtMessage message = frame.getDht();
        boolean request = message.hasFindNode() || message.hasStoreRecord();
        if (mode == Colluders.Mode.HONEST || !request) {
            dht.frameReceived(from, frame);
            return;
        }
        if (mode == Colluders.Mode.LYING && message.hasFindNode()
                && message.getFindNode().getTarget().size() == DhtKey.SIZE_BYTES) {
            Nodes.Builder sybils = Nodes.newBuilder()
                    .addAllRecords(colluders.closestTo(DhtKey.fromRaw(message.getFindNode().getTarget().toByteArray()), K));
            links.send(from, Frame.newBuilder().setDht(DhtMessage.newBuilder()
                    .setRequestId(message.getRequestId()).setNodes(sybils)).build());
        }
    }
}
