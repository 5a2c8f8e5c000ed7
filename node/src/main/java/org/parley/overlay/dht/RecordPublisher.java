package org.parley.overlay.dht;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.logging.Logger;
import org.parley.identity.PeerId;
import org.parley.link.DialTarget;
import org.parley.link.LinkControl;
import org.parley.overlay.discovery.Discovery;
import org.parley.overlay.record.PeerRecord;
import org.parley.proto.wire.v1.DhtMessage;
import org.parley.proto.wire.v1.Frame;
import org.parley.proto.wire.v1.StoreRecord;
import org.parley.runtime.Scheduler;

/**
 * Keeps our own record with the k peers closest to our key: looks them up and gives each the
 * record to keep, soon after start, then less and less often up to the republish interval, at
 * once on every renewal, and to every peer that joins our closest after the first publication.
 * Confined to the node's loop.
 */
final class RecordPublisher {
    private static final Logger LOG = Logger.getLogger(RecordPublisher.class.getName());

    private final PeerId self;
    private final DhtKey selfKey;
    private final LinkControl links;
    private final Scheduler scheduler;
    private final DhtConfig config;
    private final Discovery discovery;
    private final DhtKnowledge known;
    private final LookupDriver lookups;
    /** Frames for peers being dialed to receive them (our record for a close peer), sent when the link is up. */
    private final Map<PeerId, List<Frame>> awaitingLink = new HashMap<>();
    /** Peers that were given our current record: a close peer learned later gets it at once. */
    private final Set<PeerId> holders = new HashSet<>();
    /** The record {@link #holders} hold; a renewed one starts over. */
    private PeerRecord heldByHolders;
    private boolean publishedOnce;
    /** Until the next publication after a successful one: doubles from the first delay up to the republish interval. */
    private Duration nextRepublication;
    private Scheduler.Cancellable publishTimer;
    private boolean stopped;

    RecordPublisher(PeerId self, LinkControl links, Scheduler scheduler, DhtConfig config, Discovery discovery,
                    DhtKnowledge known, LookupDriver lookups) {
        this.self = self;
        this.selfKey = DhtKey.ofPeer(self);
        this.links = links;
        this.scheduler = scheduler;
        this.config = config;
        this.discovery = discovery;
        this.known = known;
        this.lookups = lookups;
    }

    /** Publishes once the node has had {@code firstPublication} to link up, then again and again. */
    void start(Duration firstPublication) {
        nextRepublication = firstPublication.compareTo(config.republishInterval()) < 0 ? firstPublication
                : config.republishInterval();
        schedulePublication(firstPublication);
    }

    /** Stops publishing and forgets the frames waiting for links. */
    void stop() {
        stopped = true;
        if (publishTimer != null) {
            publishTimer.cancel();
        }
        awaitingLink.clear();
    }

    /** Publishes at once (our record was renewed); the next publication is counted from now. */
    void publishNow() {
        if (publishTimer != null) {
            publishTimer.cancel();
        }
        publish();
    }

    /** Sends what waited for the link to {@code peer}. */
    void linkUp(PeerId peer) {
        List<Frame> frames = awaitingLink.remove(peer);
        if (frames != null) {
            frames.forEach(frame -> links.send(peer, frame));
        }
    }

    /**
     * A peer that has just become one of the k closest we know to our key gets our record at
     * once, once our first publication is out: nodes that started together found only part of
     * their neighbourhood then, and the rest turns up as lookups and answers bring it in.
     */
    void introduce(Contact contact) {
        if (!publishedOnce || holders.contains(contact.peer()) && discovery.ownRecord().equals(heldByHolders)) {
            return;
        }
        if (known.closest(selfKey, config.lookup().k()).stream().anyMatch(c -> c.peer().equals(contact.peer()))) {
            giveOwnRecord(contact);
        }
    }

    private void schedulePublication(Duration delay) {
        if (!stopped) {
            publishTimer = scheduler.schedule(delay, this::publish);
        }
    }

    /** Finds the k peers closest to our key and gives each our record to keep. */
    private void publish() {
        if (stopped) {
            return;
        }
        // Asks on past the k closest too: every peer asked learns of us, and the neighbourhood
        // found by our own lookup is not always the one other peers' lookups arrive at.
        LookupRun run = lookups.start(new IterativeLookup(selfKey, self, known.closest(selfKey, config.lookup().k()),
                config.lookup(), true), Optional.empty());
        run.result.thenRun(() -> {
            publishedOnce = true;
            int sent = 0;
            for (Contact contact : run.lookup.result()) {
                if (giveOwnRecord(contact)) {
                    sent++;
                }
            }
            int published = sent;
            LOG.fine(() -> "published our record to " + published + " peers");
            if (published == 0) {
                schedulePublication(config.publishRetry());
            } else {
                schedulePublication(nextRepublication);
                Duration doubled = nextRepublication.multipliedBy(2);
                nextRepublication = doubled.compareTo(config.republishInterval()) < 0 ? doubled
                        : config.republishInterval();
            }
        });
    }

    /**
     * Sends our record to {@code contact} to keep, dialing it when there is no link: the closest
     * peers a lookup found are rarely our neighbours, and the links it opened to ask them may
     * already be trimmed. False when it cannot be sent now.
     */
    private boolean giveOwnRecord(Contact contact) {
        PeerRecord own = discovery.ownRecord();
        if (!own.equals(heldByHolders)) {
            heldByHolders = own;
            holders.clear();
        }
        Frame store = Frame.newBuilder().setDht(DhtMessage.newBuilder()
                .setStoreRecord(StoreRecord.newBuilder().setRecord(own.toProto()))).build();
        if (!deliver(contact, store)) {
            return false;
        }
        holders.add(contact.peer());
        return true;
    }

    /** Sends {@code frame} to {@code contact} now, or once a link to it is up; false when it cannot. */
    private boolean deliver(Contact contact, Frame frame) {
        PeerId peer = contact.peer();
        if (links.isConnected(peer)) {
            return links.send(peer, frame);
        }
        List<Frame> waiting = awaitingLink.get(peer);
        if (waiting == null) {
            if (awaitingLink.size() >= config.lookup().k() * 2) {
                return false;
            }
            List<Frame> fresh = new ArrayList<>();
            awaitingLink.put(peer, fresh);
            if (!lookups.isDialing(peer)) {
                links.dialOnce(DialTarget.peerAt(peer, contact.address()));
            }
            scheduler.schedule(config.dialTimeout(), () -> awaitingLink.remove(peer, fresh));
            waiting = fresh;
        }
        waiting.add(frame);
        return true;
    }
}
