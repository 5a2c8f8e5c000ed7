package org.parley.link.relay;

import java.util.Set;
import org.parley.identity.PeerId;
import org.parley.link.FrameHandler;
import org.parley.proto.wire.v1.Frame;
import org.parley.proto.wire.v1.RelayFrame;

/**
 * The one owner of relay frames on a node, which is both a relay for others and a client of
 * relays: a reservation request is the relay side's business, everything else (a relay saying it
 * serves, its answer to our reservation, a circuit offered to us) the client side's.
 */
public final class RelayFrames implements FrameHandler {
    private final CircuitRelay<?> relay;
    private final RelayClient client;

    public RelayFrames(CircuitRelay<?> relay, RelayClient client) {
        this.relay = relay;
        this.client = client;
    }

    @Override
    public Set<Frame.BodyCase> frameTypes() {
        return Set.of(Frame.BodyCase.RELAY);
    }

    @Override
    public void frameReceived(PeerId from, Frame frame) {
        if (frame.getRelay().getBodyCase() == RelayFrame.BodyCase.RESERVE) {
            relay.frameReceived(from, frame);
        } else {
            client.frameReceived(from, frame);
        }
    }
}
