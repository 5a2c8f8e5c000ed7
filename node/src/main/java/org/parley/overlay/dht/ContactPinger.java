package org.parley.overlay.dht;

import com.google.protobuf.ByteString;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.parley.identity.PeerId;
import org.parley.link.DialTarget;
import org.parley.link.LinkControl;
import org.parley.proto.wire.v1.DhtMessage;
import org.parley.proto.wire.v1.FindNode;
import org.parley.proto.wire.v1.Frame;
import org.parley.runtime.Scheduler;

/**
 * Kademlia's check before eviction: when a newcomer finds its bucket full, the bucket's least
 * recently seen contact is asked a question (a FindNode for its own key, which every peer
 * answers) if we have not heard from it for {@link #QUESTIONABLE_AFTER}. An answer keeps it,
 * and the newcomer waits as a replacement; silence until the timeout evicts it, and the newest
 * replacement takes its place. So a full bucket keeps its long-lived contacts (an attacker's fresh
 * identities cannot push them out) and still sheds the dead. Confined to the node's loop.
 */
final class ContactPinger {
    /** Mainline DHT's rule: a contact heard from within 15 minutes is good and is not asked. */
    static final Duration QUESTIONABLE_AFTER = Duration.ofMinutes(15);
    /** Pings in flight at once; a bucket full of silence is checked a few contacts at a time. */
    static final int MAX_PINGS = 16;
    /** Ping request IDs start here, far above the lookups' own, so that the two never collide. */
    private static final long FIRST_ID = 1L << 62;

    private record Ping(long id, Contact contact, Scheduler.Cancellable timer) {
    }

    private final LinkControl links;
    private final Scheduler scheduler;
    private final DhtConfig config;
    private final DhtKnowledge known;
    private final Map<PeerId, Ping> pending = new HashMap<>();
    /** Peers dialed to be pinged, asked when the link is up. */
    private final Map<PeerId, Long> awaitingLink = new HashMap<>();
    private long nextId = FIRST_ID;

    ContactPinger(LinkControl links, Scheduler scheduler, DhtConfig config, DhtKnowledge known) {
        this.links = links;
        this.scheduler = scheduler;
        this.config = config;
        this.known = known;
    }

    /** Asks {@code contact} whether it is still there, unless heard from lately or already asked. */
    void ping(Contact contact, long nowMillis) {
        PeerId peer = contact.peer();
        if (nowMillis - contact.lastSeenMillis() < QUESTIONABLE_AFTER.toMillis() || pending.containsKey(peer)
                || pending.size() >= MAX_PINGS) {
            return;
        }
        long id = nextId++;
        Duration timeout = config.queryTimeout();
        if (links.isConnected(peer)) {
            if (!links.send(peer, question(id, contact))) {
                known.unresponsive(peer);
                return;
            }
        } else {
            awaitingLink.put(peer, id);
            links.dialOnce(DialTarget.peerAt(peer, contact.address()));
            timeout = timeout.plus(config.dialTimeout());
        }
        pending.put(peer, new Ping(id, contact, scheduler.schedule(timeout, () -> timedOut(peer, id))));
    }

    /** Sends the ping that waited for the link to {@code peer}. */
    void linkUp(PeerId peer) {
        Long id = awaitingLink.remove(peer);
        Ping ping = pending.get(peer);
        if (id != null && ping != null && ping.id() == id) {
            links.send(peer, question(id, ping.contact()));
        }
    }

    /** Takes an answer that is one to our ping; false when {@code requestId} is no ping of ours to {@code from}. */
    boolean answered(PeerId from, long requestId) {
        Ping ping = pending.get(from);
        if (ping == null || ping.id() != requestId) {
            return false;
        }
        pending.remove(from);
        awaitingLink.remove(from);
        ping.timer().cancel();
        known.alive(from);
        return true;
    }

    void stop() {
        pending.values().forEach(ping -> ping.timer().cancel());
        pending.clear();
        awaitingLink.clear();
    }

    int inFlight() {
        return pending.size();
    }

    private void timedOut(PeerId peer, long id) {
        Ping ping = pending.get(peer);
        if (ping == null || ping.id() != id) {
            return;
        }
        pending.remove(peer);
        awaitingLink.remove(peer);
        known.unresponsive(peer);
    }

    private Frame question(long id, Contact contact) {
        return Frame.newBuilder().setDht(DhtMessage.newBuilder().setRequestId(id)
                .setFindNode(FindNode.newBuilder().setTarget(ByteString.copyFrom(contact.key().toBytes()))
                        .setClient(known.isClientOnly()))).build();
    }
}
