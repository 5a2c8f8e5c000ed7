package org.parley.mailbox;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.parley.identity.PeerId;
import org.parley.link.DialTarget;
import org.parley.link.LinkControl;
import org.parley.link.LinkEvents;
import org.parley.link.PeerInfo;
import org.parley.overlay.record.PeerRecord;
import org.parley.proto.wire.v1.Frame;
import org.parley.proto.wire.v1.MailboxFrame;
import org.parley.runtime.Scheduler;

/**
 * Gets mailbox frames to peers, linked or not: a frame for a peer without a link waits while the
 * peer is dialed once at its record's address, and is dropped if the link is not up in time (the
 * asker's own timeout deals with the silence). Confined to the node's loop.
 */
final class MailCourier implements LinkEvents {
    /** Frames waiting for one peer's link, at most; more are dropped. */
    private static final int MAX_WAITING = 1024;

    private final LinkControl links;
    private final Scheduler scheduler;
    private final Duration dialTimeout;
    private final Map<PeerId, List<Frame>> waiting = new HashMap<>();
    private long nextRequestId = 1;

    MailCourier(LinkControl links, Scheduler scheduler, Duration dialTimeout) {
        this.links = links;
        this.scheduler = scheduler;
        this.dialTimeout = dialTimeout;
    }

    /** A request ID no other request of this node uses. */
    long nextRequestId() {
        return nextRequestId++;
    }

    /** Sends on the link to {@code peer}; false when there is none. */
    boolean sendLinked(PeerId peer, MailboxFrame frame) {
        return links.send(peer, Frame.newBuilder().setMailbox(frame).build());
    }

    /** Sends to the record's peer, dialing it first when there is no link. */
    void send(PeerRecord to, MailboxFrame message) {
        PeerId peer = to.peer();
        Frame frame = Frame.newBuilder().setMailbox(message).build();
        if (links.isConnected(peer)) {
            links.send(peer, frame);
            return;
        }
        if (to.addresses().isEmpty()) {
            return;
        }
        List<Frame> queue = waiting.get(peer);
        if (queue == null) {
            queue = new ArrayList<>();
            waiting.put(peer, queue);
            List<Frame> dialed = queue;
            links.dialOnce(DialTarget.peerAt(peer, to.addresses().get(0)));
            scheduler.schedule(dialTimeout, () -> waiting.remove(peer, dialed));
        }
        if (queue.size() < MAX_WAITING) {
            queue.add(frame);
        }
    }

    @Override
    public void peerConnected(PeerInfo peer) {
        List<Frame> queue = waiting.remove(peer.peerId());
        if (queue != null) {
            queue.forEach(frame -> links.send(peer.peerId(), frame));
        }
    }
}
