package org.parley.overlay.dht;

import com.google.protobuf.ByteString;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import org.parley.identity.PeerId;
import org.parley.link.DialTarget;
import org.parley.link.LinkControl;
import org.parley.link.Misbehaviour;
import org.parley.overlay.discovery.Discovery;
import org.parley.overlay.record.PeerRecord;
import org.parley.overlay.record.PeerRecordException;
import org.parley.proto.wire.v1.DhtMessage;
import org.parley.proto.wire.v1.FindNode;
import org.parley.proto.wire.v1.Frame;
import org.parley.proto.wire.v1.Nodes;
import org.parley.runtime.Clock;
import org.parley.runtime.Scheduler;

/**
 * Runs this node's lookups: hands each {@link IterativeLookup}'s queries out as FindNode frames
 * (dialing contacts without a link once), times them out, takes in the answers and drives the
 * lookup on until it is finished or its deadline passes. An answer no honest peer sends
 * (unasked for, oversized, with a forged or malformed record) is dropped whole, its sender scored
 * down and dropped from the table. Confined to the node's loop, where run results complete.
 * It stays one class at about 400 lines: sending, dialing, waiting for a dial slot, timing out
 * and taking answers in all change the same per-query bookkeeping, which split apart would have
 * to be handed between the pieces.
 */
final class LookupDriver {
    /** Timed-out queries remembered, so that their late answers are not taken for unsolicited ones. */
    private static final int REMEMBERED_TIMEOUTS = 1024;

    /** A FindNode sent for a lookup. Its timer first reports it stalled, then times it out. */
    private static final class Query {
        final long id;
        final PeerId peer;
        final LookupRun run;
        Scheduler.Cancellable timer;

        Query(long id, PeerId peer, LookupRun run) {
            this.id = id;
            this.peer = peer;
            this.run = run;
        }
    }

    private final LinkControl links;
    private final Scheduler scheduler;
    private final Clock clock;
    private final DhtConfig config;
    private final Discovery discovery;
    private final DhtKnowledge known;
    private final Map<Long, Query> queries = new HashMap<>();
    /**
     * Peers being dialed for queries, or whose link was lost this turn (it may be replaced at
     * once, see {@link #linkDown}), with the queries waiting for the link.
     */
    private final Map<PeerId, List<Long>> dialing = new HashMap<>();
    private final Map<Long, PeerId> timedOut = new LinkedHashMap<>(16, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, PeerId> eldest) {
            return size() > REMEMBERED_TIMEOUTS;
        }
    };
    private final Set<LookupRun> running = new HashSet<>();
    /** Lookups that had a peer to ask and no room to dial it, oldest first. */
    private final Set<LookupRun> waitingForDial = new LinkedHashSet<>();
    private boolean wakeScheduled;
    private long nextRequestId = 1;
    /** Told of the target of every lookup started, so that bucket refresh knows which buckets are fresh. */
    private Consumer<DhtKey> lookupStarted = key -> { };

    LookupDriver(LinkControl links, Scheduler scheduler, Clock clock, DhtConfig config, Discovery discovery,
                 DhtKnowledge known) {
        this.links = links;
        this.scheduler = scheduler;
        this.clock = clock;
        this.config = config;
        this.discovery = discovery;
        this.known = known;
    }

    void onLookupStarted(Consumer<DhtKey> listener) {
        this.lookupStarted = listener;
    }

    /** Starts a lookup; its run's result completes when it is finished or its deadline passed. */
    LookupRun start(IterativeLookup lookup, Optional<PeerId> target) {
        lookupStarted.accept(lookup.target());
        LookupRun run = new LookupRun(lookup, target);
        running.add(run);
        run.deadline = scheduler.schedule(config.lookupDeadline(), () -> finish(run));
        drive(run);
        return run;
    }

    /** Forgets every query and ends every running lookup with what it found so far. */
    void stop() {
        queries.values().forEach(query -> query.timer.cancel());
        queries.clear();
        dialing.clear();
        waitingForDial.clear();
        new ArrayList<>(running).forEach(this::finish);
    }

    /** Whether a link to {@code peer} is being opened for queries. */
    boolean isDialing(PeerId peer) {
        return dialing.containsKey(peer);
    }

    /** Sends the queries that waited for a link to {@code peer}. */
    void linkUp(PeerId peer) {
        List<Long> waiting = dialing.remove(peer);
        if (waiting == null) {
            return;
        }
        dialDone();
        for (long id : waiting) {
            Query query = queries.get(id);
            if (query != null) {
                links.send(peer, findNode(id, query.run.lookup.target(), known.isClientOnly()));
            }
        }
    }

    /**
     * Queries sent on the lost link will not be answered on it. When the link was replaced by a
     * duplicate (both peers dialed each other at once: the link layer reports the old one down and
     * the new one up in the same turn), they are sent again on the new link; otherwise they fail
     * now rather than at their timeout. Failing them at once would drop the peer from a lookup it
     * is most likely to matter to: close peers look each other up, and dial each other, at the
     * same moment. The peer keeps its place in the table: links are trimmed, not only lost.
     */
    void linkDown(PeerId peer) {
        if (dialing.containsKey(peer)) {
            return;
        }
        List<Long> cut = new ArrayList<>();
        for (Query query : queries.values()) {
            if (query.peer.equals(peer)) {
                cut.add(query.id);
            }
        }
        if (cut.isEmpty()) {
            return;
        }
        dialing.put(peer, cut);
        scheduler.execute(() -> {
            if (dialing.remove(peer, cut)) {
                dialDone();
                for (long id : cut) {
                    Query query = forget(id);
                    if (query != null) {
                        failInRun(query);
                    }
                }
            }
        });
    }

    void receiveNodes(PeerId from, long requestId, Nodes answer) {
        Query query = queries.get(requestId);
        if (query == null || !query.peer.equals(from)) {
            if (!from.equals(timedOut.get(requestId))) {
                links.penalize(from, Misbehaviour.ANSWER_TO_NOTHING, "DHT answer to no question of ours");
            }
            return;
        }
        forget(requestId);
        LookupRun run = query.run;
        List<PeerRecord> records = checkedAnswer(from, answer);
        if (records == null) {
            known.drop(from);
            if (!run.done) {
                run.lookup.failed(from);
                drive(run);
            }
            return;
        }
        if (run.done) {
            return;
        }
        List<Contact> contacts = new ArrayList<>();
        long now = clock.nowMillis();
        for (PeerRecord record : records) {
            if (!record.addresses().isEmpty()) {
                contacts.add(Contact.of(record.peer(), record.addresses().get(0), now));
            }
        }
        int offencesBefore = run.lookup.offences().size();
        run.lookup.responded(from, contacts);
        List<IterativeLookup.Offence> offences = run.lookup.offences();
        if (offences.size() > offencesBefore) {
            links.penalize(from, Misbehaviour.MALFORMED, offences.get(offences.size() - 1).reason());
            known.drop(from);
            drive(run);
            return;
        }
        responderRecord(run, from).ifPresent(known::learn);
        records.forEach(run::heard);
        records.forEach(known::learnFromAnswer);
        if (run.checkFound(run.lookup.hopsTo(from) + 1, from, config.lookup().alpha())) {
            finish(run);
            return;
        }
        drive(run);
    }

    /** Sends the queries the lookup hands out, until it waits for answers or is finished. */
    private void drive(LookupRun run) {
        while (!run.done) {
            if (run.lookup.isFinished()) {
                finish(run);
                return;
            }
            List<Contact> batch = run.lookup.nextQueries();
            boolean anyFailed = false;
            boolean anyDeferred = false;
            for (Contact contact : batch) {
                switch (ask(run, contact)) {
                    case FAILED -> {
                        run.lookup.failed(contact.peer());
                        anyFailed = true;
                    }
                    case DEFERRED -> {
                        run.lookup.deferred(contact.peer());
                        anyDeferred = true;
                    }
                    case SENT -> { }
                }
            }
            if (anyDeferred) {
                waitingForDial.add(run);
                return;
            }
            if (!anyFailed && !run.lookup.isFinished()) {
                return;
            }
        }
    }

    /** What became of a query handed out. */
    private enum Asked { SENT, FAILED, DEFERRED }

    /**
     * Sends a FindNode to {@code contact}, dialing it first if need be. With as many links being
     * opened as {@link DhtConfig#maxPendingDials} allows, a peer that needs one is asked later,
     * once a dial is done, not failed: failing it would fail every unlinked candidate in turn
     * (the lookup hands out the next at once), and the peers a lookup most needs to reach, those
     * near the target that we never met, are unlinked. Links take a round trip longer to come up
     * since they count as up only once greeted, so dials wait longer and the limit binds more.
     */
    private Asked ask(LookupRun run, Contact contact) {
        PeerId peer = contact.peer();
        long id = nextRequestId++;
        if (links.isConnected(peer)) {
            if (!links.send(peer, findNode(id, run.lookup.target(), known.isClientOnly()))) {
                return Asked.FAILED;
            }
            track(id, peer, run, config.queryTimeout());
            return Asked.SENT;
        }
        List<Long> waiting = dialing.get(peer);
        if (waiting == null) {
            if (dialing.size() >= config.maxPendingDials()) {
                return Asked.DEFERRED;
            }
            waiting = new ArrayList<>();
            dialing.put(peer, waiting);
            links.dialOnce(DialTarget.peerAt(peer, contact.address()));
        }
        waiting.add(id);
        track(id, peer, run, config.dialTimeout().plus(config.queryTimeout()));
        return Asked.SENT;
    }

    /** A dial is done (its link is up, lost or given up): lookups waiting for room ask on, on the next turn. */
    private void dialDone() {
        if (waitingForDial.isEmpty() || wakeScheduled) {
            return;
        }
        wakeScheduled = true;
        scheduler.execute(() -> {
            wakeScheduled = false;
            List<LookupRun> waiting = new ArrayList<>(waitingForDial);
            waitingForDial.clear();
            for (LookupRun run : waiting) {
                if (!run.done && dialing.size() < config.maxPendingDials()) {
                    drive(run);
                } else if (!run.done) {
                    waitingForDial.add(run);
                }
            }
        });
    }

    /**
     * Awaits the answer to query {@code id}: reported stalled to its lookup after the stall time
     * (when that is shorter than {@code timeout}), failed after {@code timeout}.
     */
    private void track(long id, PeerId peer, LookupRun run, Duration timeout) {
        Query query = new Query(id, peer, run);
        queries.put(id, query);
        Duration stall = config.queryStall();
        if (stall.compareTo(timeout) >= 0) {
            query.timer = scheduler.schedule(timeout, () -> timeOut(id));
            return;
        }
        query.timer = scheduler.schedule(stall, () -> {
            query.timer = scheduler.schedule(timeout.minus(stall), () -> timeOut(id));
            if (!run.done) {
                run.lookup.stalled(peer);
                drive(run);
            }
        });
    }

    private void timeOut(long id) {
        Query query = forget(id);
        if (query == null) {
            return;
        }
        timedOut.put(id, query.peer);
        known.unresponsive(query.peer);
        failInRun(query);
    }

    private void failInRun(Query query) {
        if (!query.run.done) {
            query.run.lookup.failed(query.peer);
            drive(query.run);
        }
    }

    /** The verified records of an answer, or null when it must be dropped whole (its sender is penalized). */
    private List<PeerRecord> checkedAnswer(PeerId from, Nodes answer) {
        if (answer.getRecordsCount() > config.lookup().k()) {
            links.penalize(from, Misbehaviour.TOO_LARGE, "DHT answer of " + answer.getRecordsCount() + " records");
            return null;
        }
        List<PeerRecord> records = new ArrayList<>();
        long now = clock.nowMillis();
        for (org.parley.proto.wire.v1.PeerRecord proto : answer.getRecordsList()) {
            try {
                records.add(discovery.verifier().verify(proto, now));
            } catch (PeerRecordException e) {
                links.penalize(from, e.rejection(), "DHT record");
                // Clocks differ, so an honest peer may pass on a record that has just expired here.
                if (e.rejection() != Misbehaviour.EXPIRED) {
                    return null;
                }
            }
        }
        return records;
    }

    private Optional<PeerRecord> responderRecord(LookupRun run, PeerId responder) {
        Optional<PeerRecord> heard = run.candidateRecord(responder);
        return heard.isPresent() ? heard : known.contactRecord(DhtKey.ofPeer(responder));
    }

    private void finish(LookupRun run) {
        if (run.done) {
            return;
        }
        run.done = true;
        running.remove(run);
        waitingForDial.remove(run);
        if (run.deadline != null) {
            run.deadline.cancel();
        }
        run.result.complete(run.outcome());
    }

    private Query forget(long id) {
        Query query = queries.remove(id);
        if (query == null) {
            return null;
        }
        query.timer.cancel();
        List<Long> waiting = dialing.get(query.peer);
        if (waiting != null) {
            waiting.remove(id);
            if (waiting.isEmpty()) {
                dialing.remove(query.peer);
                dialDone();
            }
        }
        return query;
    }

    private static Frame findNode(long id, DhtKey target, boolean client) {
        return Frame.newBuilder().setDht(DhtMessage.newBuilder().setRequestId(id)
                .setFindNode(FindNode.newBuilder().setTarget(ByteString.copyFrom(target.toBytes())).setClient(client)))
                .build();
    }
}
