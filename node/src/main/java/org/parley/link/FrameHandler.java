package org.parley.link;

import java.util.Set;
import org.parley.identity.PeerId;
import org.parley.proto.wire.v1.Frame;

/**
 * A layer's intake of the frame types it owns. The link layer hands each inbound frame to the one
 * handler that took its body type (see {@link FrameRouter}), so a layer sees only its own frames
 * and a type two layers claim is caught when the node is put together, not when a frame arrives.
 */
public interface FrameHandler {
    /** The body types of {@link Frame} this handler owns; never {@code HELLO}, which the link layer keeps. */
    Set<Frame.BodyCase> frameTypes();

    /** A frame of one of {@link #frameTypes()} from an established neighbour. Called on the node's loop. */
    void frameReceived(PeerId from, Frame frame);
}
