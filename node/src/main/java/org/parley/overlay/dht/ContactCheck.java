package org.parley.overlay.dht;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.parley.identity.PeerId;
import org.parley.link.AddressProbe;
import org.parley.link.HostPort;
import org.parley.overlay.record.PeerRecord;
import org.parley.runtime.Clock;

/**
 * A peer takes a place in the routing table only once this node has reached it at the address its
 * record gives: contacts are where lookups send everyone to dial, so a node that cannot be dialled
 * (behind a NAT) must not become one, even when its record claims an address. An honest private
 * node announces none and asks as a client (see {@code FindNode.client}); this check holds the
 * others to it. Each address is probed once ({@link AddressProbe}: the transport's handshake must
 * prove the peer, and no link is made); a success is remembered, a failure for
 * {@link #RETRY_AFTER}. At most {@link #IN_FLIGHT} probes run at once and {@link #QUEUED} wait; a
 * record beyond that is dropped, to come again with the next peer exchange. Confined to the loop.
 */
final class ContactCheck {
    static final int IN_FLIGHT = 8;
    static final int QUEUED = 256;
    /** Peers remembered as reached (their address with them); beyond it the oldest are forgotten. */
    static final int REACHED_MEMORY = 4096;
    static final Duration RETRY_AFTER = Duration.ofMinutes(10);

    /** Told of each record whose peer answered at its address. */
    interface Reached {
        void accept(PeerRecord record);
    }

    private final AddressProbe probe;
    private final Clock clock;
    private final Reached reached;
    private final Map<PeerId, HostPort> reachedAt = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<PeerId, HostPort> eldest) {
            return size() > REACHED_MEMORY;
        }
    };
    private final Map<PeerId, Long> failedAtMillis = new LinkedHashMap<>();
    private final Set<PeerId> probing = new HashSet<>();
    private final ArrayDeque<PeerRecord> queue = new ArrayDeque<>();
    private boolean stopped;

    ContactCheck(AddressProbe probe, Clock clock, Reached reached) {
        this.probe = probe;
        this.clock = clock;
        this.reached = reached;
    }

    /** Whether {@code record}'s peer was reached at the address the record gives first. */
    boolean wasReached(PeerRecord record) {
        HostPort address = reachedAt.get(record.peer());
        return address != null && address.equals(record.addresses().get(0));
    }

    /** Probes {@code record}'s peer at its first address, unless it is being probed or failed lately. */
    void check(PeerRecord record) {
        PeerId peer = record.peer();
        Long failed = failedAtMillis.get(peer);
        if (failed != null) {
            if (clock.nowMillis() - failed < RETRY_AFTER.toMillis()) {
                return;
            }
            failedAtMillis.remove(peer);
        }
        if (stopped || probing.contains(peer)) {
            return;
        }
        if (probing.size() >= IN_FLIGHT) {
            if (queue.size() < QUEUED && queue.stream().noneMatch(waiting -> waiting.peer().equals(peer))) {
                queue.add(record);
            }
            return;
        }
        probing.add(peer);
        HostPort address = record.addresses().get(0);
        probe.probe(peer, address, ok -> {
            probing.remove(peer);
            if (ok) {
                reachedAt.put(peer, address);
                if (!stopped) {
                    reached.accept(record);
                }
            } else {
                remember(peer);
            }
            PeerRecord next = queue.poll();
            if (next != null) {
                check(next);
            }
        });
    }

    private void remember(PeerId peer) {
        if (failedAtMillis.size() >= REACHED_MEMORY) {
            failedAtMillis.remove(failedAtMillis.keySet().iterator().next());
        }
        failedAtMillis.put(peer, clock.nowMillis());
    }

    void stop() {
        stopped = true;
        queue.clear();
    }
}
