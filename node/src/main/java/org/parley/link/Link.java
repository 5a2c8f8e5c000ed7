package org.parley.link;

import java.util.Optional;
import org.parley.identity.PeerId;
import org.parley.proto.wire.v1.Frame;

/**
 * One authenticated, ordered, bidirectional frame stream to a neighbour. The remote peer ID was
 * proved by the transport's handshake before the link was reported up. All methods must be called
 * on the owning node's {@link org.parley.runtime.Scheduler}.
 */
public interface Link {
    PeerId remotePeer();

    Direction direction();

    /** The remote socket address as the transport sees it (for an inbound link, an ephemeral port). */
    String remoteAddress();

    /** For an outbound link, the target it was dialed as. */
    Optional<DialTarget> dialTarget();

    /** The relay whose circuit carries this link; empty for a direct link. */
    default Optional<PeerId> relay() {
        return Optional.empty();
    }

    /**
     * Queues a frame. Returns false, sending nothing, when the link is closed or its bounded
     * outbound queue is full (the peer is not reading fast enough).
     */
    boolean send(Frame frame);

    /** Closes the link; {@link LinkListener#linkDown} follows once, later, on the loop. */
    void close(String reason);
}
