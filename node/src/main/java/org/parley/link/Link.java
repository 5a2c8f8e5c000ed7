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

    /** How the link's bytes travel: through its relay, through a punched hole, or straight. */
    default LinkPath path() {
        return relay().isPresent() ? LinkPath.RELAYED : LinkPath.DIRECT;
    }

    /**
     * For a relayed link, where the relay sees the remote peer (its IP address as a NAT in front of
     * it rewrote it, and a port); empty otherwise or when the relay did not say. Hole punching aims
     * only at this IP.
     */
    default Optional<HostPort> observedThroughRelay() {
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
