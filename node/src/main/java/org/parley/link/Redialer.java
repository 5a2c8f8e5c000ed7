package org.parley.link;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.logging.Logger;
import org.parley.identity.PeerId;
import org.parley.runtime.Rng;
import org.parley.runtime.Scheduler;

/**
 * Keeps links to the addresses we want (bootstrap peers, remembered neighbours): dials them, and
 * after a failed dial or a lost link dials again with jittered exponential backoff. An address
 * counts as served while its peer is connected by any link, including one the peer dialed to us.
 * Confined to the node's loop.
 */
final class Redialer {
    private static final Logger LOG = Logger.getLogger(Redialer.class.getName());

    /** What the redialer asks of the link table before it dials. */
    interface PeerStatus {
        boolean isConnected(PeerId peer);

        /** Zero unless the peer is banned. */
        Duration banRemaining(PeerId peer);

        /**
         * Whether the node has links enough without this one: a wanted address that is lost
         * then is only checked on now and then, so that a busy bootstrap node that trims its
         * links is not redialed at once by everyone it trimmed.
         */
        boolean wellLinked();
    }

    private final Network network;
    private final Scheduler scheduler;
    private final Rng rng;
    private final Backoff backoff;
    private final PeerStatus status;
    private final Map<HostPort, Wanted> wanted = new HashMap<>();
    private boolean stopped;

    Redialer(Network network, Scheduler scheduler, Rng rng, Backoff backoff, PeerStatus status) {
        this.network = network;
        this.scheduler = scheduler;
        this.rng = rng;
        this.backoff = backoff;
        this.status = status;
    }

    /** Starts keeping a link to {@code target}; a target already wanted keeps its state. */
    void want(DialTarget target) {
        Wanted entry = wanted.computeIfAbsent(target.address(), address -> new Wanted(target));
        if (!entry.dialing && !entry.linked && entry.timer == null) {
            attempt(entry);
        }
    }

    /** The addresses this node was asked to keep links to (its bootstrap and remembered peers). */
    Set<HostPort> wantedAddresses() {
        return Set.copyOf(wanted.keySet());
    }

    /** A link dialed as {@code target} reached {@code peer} and exchanged Hello. */
    void established(DialTarget target, PeerId peer) {
        Wanted entry = wanted.get(target.address());
        if (entry != null) {
            entry.dialing = false;
            entry.linked = true;
            entry.failures = 0;
            entry.peer = peer;
        }
    }

    void dialFailed(DialTarget target) {
        Wanted entry = wanted.get(target.address());
        if (entry != null) {
            entry.dialing = false;
            retryLater(entry);
        }
    }

    /** Whether a link to {@code peer} is one this node was asked to keep. */
    boolean keeps(PeerId peer) {
        return wanted.values().stream().anyMatch(entry -> peer.equals(entry.peer));
    }

    /** The link dialed as {@code target} went down. */
    void linkLost(DialTarget target) {
        Wanted entry = wanted.get(target.address());
        if (entry != null) {
            entry.dialing = false;
            entry.linked = false;
            retryLater(entry);
        }
    }

    /** {@code peer} has no link left: addresses that were served by it need dialing again. */
    void peerDisconnected(PeerId peer) {
        for (Wanted entry : wanted.values()) {
            if (peer.equals(entry.peer) && !entry.dialing && entry.timer == null) {
                entry.linked = false;
                retryLater(entry);
            }
        }
    }

    /** Stops keeping a link to {@code target} (it turned out to be this node itself). */
    void forget(DialTarget target) {
        Wanted entry = wanted.remove(target.address());
        if (entry != null && entry.timer != null) {
            entry.timer.cancel();
        }
    }

    void stop() {
        stopped = true;
        wanted.values().forEach(entry -> {
            if (entry.timer != null) {
                entry.timer.cancel();
            }
        });
        wanted.clear();
    }

    private void retryLater(Wanted entry) {
        if (stopped || entry.timer != null) {
            return;
        }
        if (entry.peer != null && status.isConnected(entry.peer)) {
            entry.linked = true;
            return;
        }
        Duration delay = atLeastBan(entry, backoff.delay(entry.failures++, rng));
        LOG.fine(() -> "redialing " + entry.target + " in " + delay.toMillis() + " ms");
        entry.timer = scheduler.schedule(delay, () -> {
            entry.timer = null;
            if (entry.peer != null && status.isConnected(entry.peer)) {
                entry.linked = true;
            } else if (status.wellLinked()) {
                entry.failures = Math.max(entry.failures, backoff.attemptsToMax());
                retryLater(entry);
            } else {
                attempt(entry);
            }
        });
    }

    /** A banned peer is not dialed before its ban ends; dialing earlier would only be refused. */
    private Duration atLeastBan(Wanted entry, Duration delay) {
        if (entry.peer == null) {
            return delay;
        }
        Duration ban = status.banRemaining(entry.peer);
        return ban.compareTo(delay) > 0 ? ban : delay;
    }

    private void attempt(Wanted entry) {
        if (stopped) {
            return;
        }
        entry.dialing = true;
        network.dial(entry.target);
    }

    private static final class Wanted {
        final DialTarget target;
        PeerId peer;
        int failures;
        boolean dialing;
        boolean linked;
        Scheduler.Cancellable timer;

        Wanted(DialTarget target) {
            this.target = target;
            this.peer = target.expectedPeer().orElse(null);
        }
    }
}
