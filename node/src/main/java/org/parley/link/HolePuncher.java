package org.parley.link;

import java.util.function.Consumer;
import org.parley.identity.PeerId;

/**
 * The transport's half of hole punching: opens one direct connection to a peer by simultaneous
 * open, at the moment the protocol ({@link org.parley.link.punch.HolePunch}) chose. Both peers call
 * it at about the same time, each aiming at the other; their NATs, having seen a packet go out to
 * the other, let the other's in.
 *
 * <p>Over TCP the connection leaves from this node's listen port (the port its NAT is likely to
 * keep, and the one the peer was told), and a few attempts are made within the punch's time. The
 * connection carries the same identity-bound link as any other, which must prove {@code peer}. On
 * success the link is reported through the network's {@link LinkListener#linkUp} like any link,
 * with {@link Link#path()} {@link LinkPath#HOLE_PUNCHED}; which end is the link's dialer is decided
 * by a rule both compute alike (the smaller peer ID dials), since both ends opened the connection.
 *
 * <p>An in-memory network models the same contract: a punch connects only when the other side
 * punches back in time. A NAT model decides whether packets pass; the protocol above it does not
 * change.
 */
public interface HolePuncher {
    /**
     * Starts punching to {@code peer} at {@code address}. {@code failed} is called at most once, on
     * the node's scheduler, with a reason, when no link came of it.
     */
    void punch(PeerId peer, HostPort address, Consumer<String> failed);
}
