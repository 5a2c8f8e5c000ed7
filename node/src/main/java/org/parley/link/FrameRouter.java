package org.parley.link;

import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.parley.identity.PeerId;
import org.parley.proto.wire.v1.Frame;

/**
 * Which layer owns which frame type: each body type of {@link Frame} has at most one
 * {@link FrameHandler}, and an inbound frame goes to that one alone. Layers register while the
 * node is put together; frames are routed on the loop, so the table is replaced whole on a
 * registration rather than changed under a reader.
 */
public final class FrameRouter {
    private volatile Map<Frame.BodyCase, FrameHandler> owners = new EnumMap<>(Frame.BodyCase.class);

    /**
     * Makes {@code handler} the owner of each of its {@link FrameHandler#frameTypes()}. Either it
     * takes all of them or, when one is invalid or taken, none.
     *
     * @throws IllegalArgumentException when it names no type, {@code HELLO} or {@code BODY_NOT_SET}
     * @throws IllegalStateException when another handler (or this one) already owns one of its types:
     *         two owners of a type is a mistake in how the node is wired
     */
    public synchronized void register(FrameHandler handler) {
        Set<Frame.BodyCase> types = handler.frameTypes();
        if (types.isEmpty()) {
            throw new IllegalArgumentException(handler + " takes no frame type");
        }
        Map<Frame.BodyCase, FrameHandler> next = new EnumMap<>(owners);
        for (Frame.BodyCase type : types) {
            if (type == Frame.BodyCase.HELLO || type == Frame.BodyCase.BODY_NOT_SET) {
                throw new IllegalArgumentException(type + " frames belong to the link layer");
            }
            FrameHandler owner = next.putIfAbsent(type, handler);
            if (owner != null) {
                throw new IllegalStateException(type + " frames are already taken by " + owner);
            }
        }
        owners = next;
    }

    /** The handler that owns {@code type}, if any. */
    public Optional<FrameHandler> ownerOf(Frame.BodyCase type) {
        return Optional.ofNullable(owners.get(type));
    }

    /**
     * Hands {@code frame} to the owner of its type. False, and nobody called, when no layer took
     * that type (or the frame has no body): the caller decides what that costs the sender.
     */
    public boolean route(PeerId from, Frame frame) {
        FrameHandler owner = owners.get(frame.getBodyCase());
        if (owner == null) {
            return false;
        }
        owner.frameReceived(from, frame);
        return true;
    }
}
