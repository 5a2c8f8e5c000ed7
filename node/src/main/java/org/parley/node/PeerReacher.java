package org.parley.node;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.logging.Logger;
import org.parley.identity.PeerId;
import org.parley.link.DialTarget;
import org.parley.link.HostPort;
import org.parley.link.LinkControl;
import org.parley.messaging.MessageRecord;
import org.parley.messaging.MessagingEvents;
import org.parley.overlay.dht.LookupResult;
import org.parley.overlay.dht.PeerLookups;
import org.parley.overlay.record.PeerRecord;
import org.parley.runtime.Clock;
import org.parley.runtime.Scheduler;

/**
 * Gets messages to peers this node has no link to: when a message is sent to such a peer, and
 * periodically for every peer the outbox still waits for, it looks the peer up in the DHT (through
 * two other peers where the node has them, decision 0085, so that the peers near the peer's key do
 * not see this node ask), hands the prekey bundle its record carries to messaging (so the message
 * can be sealed, and relayed while the peer is away) and dials the address the record gives. The outbox sends as soon as the
 * link is up, so messaging never needs to know the DHT exists. A peer that announces no address is
 * dialled through a circuit at one of the relays its record names; where this node knows none of
 * those relays' addresses (no link to them, no record of them in its book) it looks them up too.
 * Confined to the node's loop.
 */
public final class PeerReacher implements MessagingEvents {
    private static final Logger LOG = Logger.getLogger(PeerReacher.class.getName());
    /** How often the outbox's waiting peers are looked up, and how soon one is looked up again. */
    public static final Duration CHECK_INTERVAL = Duration.ofSeconds(10);
    public static final Duration RETRY_AFTER = Duration.ofSeconds(30);

    private final LinkControl links;
    private PeerLookups dht;
    private final Supplier<Set<PeerId>> waitingPeers;
    private final Consumer<PeerRecord> recordFound;
    private final Scheduler scheduler;
    private final Clock clock;
    private final Duration checkInterval;
    private final Duration retryAfter;
    /** When each peer was last looked up, so that an unreachable peer is not looked up on every message. */
    private final Map<PeerId, Long> lastTriedMillis = new HashMap<>();
    private Function<PeerId, Optional<HostPort>> relayAddresses = relay -> Optional.empty();
    private Scheduler.Cancellable timer;
    private boolean stopped;

    public PeerReacher(LinkControl links, PeerLookups dht, Supplier<Set<PeerId>> waitingPeers,
                Consumer<PeerRecord> recordFound, Scheduler scheduler, Clock clock, Duration checkInterval,
                Duration retryAfter) {
        this.links = links;
        this.dht = dht;
        this.waitingPeers = waitingPeers;
        this.recordFound = recordFound;
        this.scheduler = scheduler;
        this.clock = clock;
        this.checkInterval = checkInterval;
        this.retryAfter = retryAfter;
    }

    /**
     * Where to reach the relays a peer's record names: with this, a peer that announces no address,
     * or whose address fails, is dialled through a circuit at one of its relays.
     */
    public void reachRelaysAt(Function<PeerId, Optional<HostPort>> addresses) {
        this.relayAddresses = addresses;
    }

    /**
     * Looks peers up through {@code lookups} from now on: the node's proxied lookups (decision
     * 0085), which the assembly builds after the reacher. Call before {@link #start}.
     */
    public void lookUpThrough(PeerLookups lookups) {
        this.dht = lookups;
    }

    public void start() {
        scheduleCheck();
    }

    public void stop() {
        stopped = true;
        if (timer != null) {
            timer.cancel();
        }
    }

    @Override
    public void messageAdded(MessageRecord message) {
        if (message.direction().equals(MessageRecord.OUT)) {
            reach(message.peer());
        }
    }

    @Override
    public void messageUpdated(MessageRecord message) {
    }

    private void scheduleCheck() {
        if (stopped) {
            return;
        }
        timer = scheduler.schedule(checkInterval, () -> {
            long now = clock.nowMillis();
            lastTriedMillis.values().removeIf(tried -> now - tried >= retryAfter.toMillis());
            waitingPeers.get().forEach(this::reach);
            scheduleCheck();
        });
    }

    /**
     * Looks a peer up and dials it now, unless it is linked or was tried within the retry
     * interval: for what waits on a link to it (group control), not only on the next check.
     */
    public void reachNow(PeerId peer) {
        reach(peer);
    }

    private void reach(PeerId peer) {
        if (stopped || links.isConnected(peer) || lastTriedMillis.containsKey(peer)) {
            return;
        }
        lastTriedMillis.put(peer, clock.nowMillis());
        dht.lookup(peer).thenAccept(result -> {
            result.record().ifPresentOrElse(this::dial,
                    () -> LOG.fine(() -> "no record found for " + peer.shortForm() + " after " + result.queries()
                            + " queries"));
            if (result.queries() == 0 && result.record().isPresent()) {
                // A record held from earlier may be out of date (an address since given up, relays
                // since changed): the network is asked for a newer one at once, not after a failed dial.
                long heldSequence = result.record().get().sequence();
                dht.lookupNewest(peer).thenAccept(newest -> newest.record()
                        .filter(record -> Long.compareUnsigned(record.sequence(), heldSequence) > 0)
                        .ifPresent(this::dial));
            }
        });
    }

    private void dial(PeerRecord record) {
        if (stopped) {
            return;
        }
        recordFound.accept(record);
        if (links.isConnected(record.peer())) {
            return;
        }
        List<DialTarget> targets = targetsOf(record);
        if (targets.isEmpty()) {
            dialThroughRelaysLookedUp(record);
            return;
        }
        LOG.fine(() -> "dialing " + record.peer().shortForm() + " at " + targets + " for waiting messages");
        links.dialInTurn(targets);
    }

    /**
     * Looks up the relays {@code record} names and dials circuits at those found with an address,
     * in turn. Without this a sender that had never met a NATed recipient's relays (no link, no
     * record in its book) had nothing to dial, and a live message waited for the recipient's next
     * mailbox check, a minute later.
     */
    private void dialThroughRelaysLookedUp(PeerRecord record) {
        List<CompletableFuture<LookupResult>> relays = record.linkRelays().stream().map(dht::lookup).toList();
        if (relays.isEmpty()) {
            return;
        }
        CompletableFuture.allOf(relays.toArray(CompletableFuture[]::new)).thenRun(() -> {
            if (stopped || links.isConnected(record.peer())) {
                return;
            }
            List<DialTarget> circuits = new ArrayList<>();
            for (CompletableFuture<LookupResult> relay : relays) {
                relay.join().record().ifPresent(found -> found.addresses().stream().findFirst().ifPresent(
                        address -> circuits.add(DialTarget.peerVia(record.peer(), found.peer(), address))));
            }
            if (!circuits.isEmpty()) {
                LOG.fine(() -> "dialing " + record.peer().shortForm() + " through relays looked up: " + circuits);
                links.dialInTurn(circuits);
            }
        });
    }

    /** The peer's own address first, then a circuit at each of its relays we know how to reach. */
    private List<DialTarget> targetsOf(PeerRecord record) {
        List<DialTarget> targets = new ArrayList<>();
        if (!record.addresses().isEmpty()) {
            targets.add(DialTarget.peerAt(record.peer(), record.addresses().get(0)));
        }
        for (PeerId relay : record.linkRelays()) {
            relayAddresses.apply(relay).ifPresent(address -> targets.add(DialTarget.peerVia(record.peer(), relay,
                    address)));
        }
        return targets;
    }
}
