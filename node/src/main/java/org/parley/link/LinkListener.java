package org.parley.link;

import org.parley.proto.wire.v1.Frame;

/**
 * What a {@link Network} reports. Every call arrives on the node's scheduler, in order for any one
 * link: {@code linkUp}, then frames, then exactly one {@code linkDown}.
 */
public interface LinkListener {
    void linkUp(Link link);

    void frameReceived(Link link, Frame frame);

    /** The link is gone, closed by either side or broken; {@code reason} is for logs. */
    void linkDown(Link link, String reason);

    /** A dial produced no link (refused, unreachable, wrong identity, handshake failed). */
    void dialFailed(DialTarget target, String reason);
}
