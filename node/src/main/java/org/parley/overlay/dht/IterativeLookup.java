package org.parley.overlay.dht;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.parley.identity.PeerId;

/**
 * One iterative FIND_NODE lookup toward a target key, as a state machine with no I/O: the caller
 * sends the queries {@link #nextQueries} hands out, and feeds back each answer with
 * {@link #responded} or each timeout with {@link #failed}. It keeps α queries in flight, always to
 * the closest peers not yet asked, and finishes when the k closest peers it knows of that have
 * not failed have all answered: nobody closer is left to ask.
 *
 * <p>A query the caller reports {@link #stalled} (slow, not yet timed out) stops counting against
 * α, so peers that stay silent hold a slot only for the stall time, not for the whole timeout; its
 * answer is still taken when it comes.
 *
 * <p>Answers are not trusted. Contacts a peer returns are only candidates, ranked by their own
 * distance, so far-away contacts a liar returns are asked only while nobody closer is known. A
 * response that no honest node sends (more than k contacts, a null entry, the same peer twice) is
 * dropped whole and its sender is listed in {@link #offences} for the caller to score down. A cap
 * on queries bounds what a lookup can cost however the network behaves.
 *
 * <p>Confined to one thread (the node's loop).
 */
public final class IterativeLookup {
    /** A peer whose response broke the protocol, and how. */
    public record Offence(PeerId peer, String reason) {
    }

    private enum State { NOT_ASKED, IN_FLIGHT, STALLED, RESPONDED, FAILED, MISBEHAVED }

    private static final class Candidate {
        final Contact contact;
        /** Queries that had to be answered, one after the other, before this peer was known. */
        int hops;
        State state = State.NOT_ASKED;

        Candidate(Contact contact, int hops) {
            this.contact = contact;
            this.hops = hops;
        }

        boolean usable() {
            return state != State.FAILED && state != State.MISBEHAVED;
        }
    }

    private final DhtKey target;
    private final PeerId self;
    private final LookupConfig config;
    private final boolean untilExhausted;
    private final Set<PeerId> avoid;
    private final Map<PeerId, Candidate> candidates = new HashMap<>();
    private final TreeSet<Candidate> byDistance;
    private final List<Offence> offences = new ArrayList<>();
    /** Queries sent and not yet answered, failed or stalled: the ones α bounds. */
    private int inFlight;
    /** Queries sent, reported stalled, and not yet answered or failed. */
    private int stalled;
    /** Candidates never asked: a lookup that asks on until nobody is left is done when none remain. */
    private int notAsked;
    private int queriesSent;
    private boolean finished;

    /**
     * A lookup for {@code target} on behalf of {@code self} (never queried, never a result),
     * starting from {@code start}: usually the local routing table's closest contacts.
     */
    public IterativeLookup(DhtKey target, PeerId self, Collection<Contact> start, LookupConfig config) {
        this(target, self, start, config, false);
    }

    /**
     * With {@code untilExhausted}, the lookup does not stop once the k closest have answered: it
     * goes on asking every candidate it has heard of, closest first, until none is left or the
     * query cap is reached. For a record lookup, which its caller ends as soon as the record turns
     * up: the peers that hold a record are not always the k closest that this lookup's path knows.
     */
    public IterativeLookup(DhtKey target, PeerId self, Collection<Contact> start, LookupConfig config,
                           boolean untilExhausted) {
        this(target, self, start, config, untilExhausted, Set.of());
    }

    /**
     * A lookup that never asks, nor takes as a candidate, any peer in {@code avoid}: a path
     * disjoint from an earlier lookup's, whose peers may all have been colluders.
     */
    public IterativeLookup(DhtKey target, PeerId self, Collection<Contact> start, LookupConfig config,
                           boolean untilExhausted, Set<PeerId> avoid) {
        this.avoid = Set.copyOf(avoid);
        this.untilExhausted = untilExhausted;
        this.target = target;
        this.self = self;
        this.config = config;
        this.byDistance = new TreeSet<>(Comparator.comparing((Candidate c) -> c.contact.key(), target.byDistance()));
        for (Contact contact : start) {
            learn(contact, 0);
        }
        updateFinished();
    }

    /** A lookup starting from the table's k closest contacts to {@code target}. */
    public static IterativeLookup start(RoutingTable table, DhtKey target, LookupConfig config) {
        return new IterativeLookup(target, table.self(), table.closest(target, config.k()), config);
    }

    public DhtKey target() {
        return target;
    }

    /**
     * The peers to query now: the closest not yet asked among the k closest usable candidates, as
     * many as keep α in flight and the total under the cap. Each is counted as in flight from
     * here on, so every one must be answered with {@link #responded} or {@link #failed}.
     */
    public List<Contact> nextQueries() {
        List<Contact> batch = new ArrayList<>();
        if (finished) {
            return batch;
        }
        for (Candidate candidate : untilExhausted ? byDistance : closestUsable()) {
            if (inFlight >= config.alpha() || queriesSent >= config.maxQueries()) {
                break;
            }
            if (candidate.state == State.NOT_ASKED) {
                candidate.state = State.IN_FLIGHT;
                notAsked--;
                inFlight++;
                queriesSent++;
                batch.add(candidate.contact);
            }
        }
        updateFinished();
        return batch;
    }

    /**
     * {@code peer} answered with {@code contacts}, in flight or stalled. Answers from peers with no
     * query outstanding (unasked, timed out already, or arriving after the lookup finished) are
     * ignored.
     */
    public void responded(PeerId peer, List<Contact> contacts) {
        Candidate responder = takeOutstanding(peer);
        if (responder == null) {
            return;
        }
        String problem = problemWith(contacts);
        if (problem != null) {
            responder.state = State.MISBEHAVED;
            offences.add(new Offence(peer, problem));
        } else {
            responder.state = State.RESPONDED;
            for (Contact contact : contacts) {
                learn(contact, responder.hops + 1);
            }
        }
        updateFinished();
    }

    /**
     * The query to {@code peer} is slow: it no longer counts against α, so the next
     * {@link #nextQueries} may hand out another. Its answer or failure is still expected.
     */
    public void stalled(PeerId peer) {
        Candidate candidate = candidates.get(peer);
        if (!finished && candidate != null && candidate.state == State.IN_FLIGHT) {
            candidate.state = State.STALLED;
            inFlight--;
            stalled++;
        }
    }

    /**
     * The query just handed out to {@code peer} could not be sent yet (the caller has no room to
     * open a link to it now): {@code peer} is not asked after all and stays first in line, instead
     * of counting as failed. The caller hands out queries again once it has room.
     */
    public void deferred(PeerId peer) {
        Candidate candidate = candidates.get(peer);
        if (!finished && candidate != null && candidate.state == State.IN_FLIGHT) {
            candidate.state = State.NOT_ASKED;
            inFlight--;
            queriesSent--;
            notAsked++;
        }
    }

    /** A query to {@code peer} timed out or its link broke. */
    public void failed(PeerId peer) {
        Candidate candidate = takeOutstanding(peer);
        if (candidate != null) {
            candidate.state = State.FAILED;
            updateFinished();
        }
    }

    public boolean isFinished() {
        return finished;
    }

    /** The up to k closest peers that answered, closest first. Final once {@link #isFinished}. */
    public List<Contact> result() {
        List<Contact> result = new ArrayList<>();
        for (Candidate candidate : byDistance) {
            if (result.size() == config.k()) {
                break;
            }
            if (candidate.state == State.RESPONDED) {
                result.add(candidate.contact);
            }
        }
        return result;
    }

    /**
     * How many rounds of queries it took to learn of the closest result: 0 when it came from the
     * local table, 1 when a peer from the table returned it, and so on. Zero with no result.
     */
    public int hops() {
        for (Candidate candidate : byDistance) {
            if (candidate.state == State.RESPONDED) {
                return candidate.hops;
            }
        }
        return 0;
    }

    /**
     * How many answers, one after the other, it took to learn of {@code peer}: 0 for a starting
     * contact. A record {@code peer} returned was thus found in one hop more. -1 for a stranger.
     */
    public int hopsTo(PeerId peer) {
        Candidate candidate = candidates.get(peer);
        return candidate == null ? -1 : candidate.hops;
    }

    /** Every peer this lookup has asked (answered, failed or still outstanding). */
    public Set<PeerId> askedPeers() {
        Set<PeerId> asked = new HashSet<>();
        candidates.forEach((peer, candidate) -> {
            if (candidate.state != State.NOT_ASKED) {
                asked.add(peer);
            }
        });
        return asked;
    }

    public int queriesSent() {
        return queriesSent;
    }

    /** Peers whose responses broke the protocol, in the order they were caught. */
    public List<Offence> offences() {
        return List.copyOf(offences);
    }

    /** The candidate for an answer or timeout from {@code peer}, no longer outstanding; null to ignore it. */
    private Candidate takeOutstanding(PeerId peer) {
        Candidate candidate = candidates.get(peer);
        if (finished || candidate == null) {
            return null;
        }
        switch (candidate.state) {
            case IN_FLIGHT -> inFlight--;
            case STALLED -> stalled--;
            default -> {
                return null;
            }
        }
        return candidate;
    }

    private String problemWith(List<Contact> contacts) {
        if (contacts == null) {
            return "response without a contact list";
        }
        if (contacts.size() > config.k()) {
            return "returned " + contacts.size() + " contacts, more than k = " + config.k();
        }
        Set<PeerId> seen = new HashSet<>();
        for (Contact contact : contacts) {
            if (contact == null) {
                return "returned a malformed contact";
            }
            if (!seen.add(contact.peer())) {
                return "returned " + contact.peer().shortForm() + " more than once";
            }
        }
        return null;
    }

    private void learn(Contact contact, int hops) {
        if (contact.peer().equals(self) || avoid.contains(contact.peer())) {
            return;
        }
        Candidate known = candidates.get(contact.peer());
        if (known != null) {
            known.hops = Math.min(known.hops, hops);
            return;
        }
        Candidate candidate = new Candidate(contact, hops);
        candidates.put(contact.peer(), candidate);
        byDistance.add(candidate);
        notAsked++;
    }

    private List<Candidate> closestUsable() {
        List<Candidate> closest = new ArrayList<>(config.k());
        for (Candidate candidate : byDistance) {
            if (closest.size() == config.k()) {
                break;
            }
            if (candidate.usable()) {
                closest.add(candidate);
            }
        }
        return closest;
    }

    /**
     * Done when the k closest usable candidates have all answered, or when the cap is reached and
     * nothing is left in flight or stalled. Queries still in flight to farther peers are abandoned
     * then: the k closest peers having answered without naming anyone closer is Kademlia's sign
     * that there is nobody closer, and waiting for stragglers would only add their timeouts to
     * every lookup.
     */
    private void updateFinished() {
        if (finished) {
            return;
        }
        boolean nothingOutstanding = inFlight == 0 && stalled == 0;
        boolean capped = nothingOutstanding && queriesSent >= config.maxQueries();
        if (untilExhausted) {
            finished = capped || nothingOutstanding && notAsked == 0;
            return;
        }
        boolean allAnswered = closestUsable().stream().allMatch(c -> c.state == State.RESPONDED);
        finished = allAnswered || capped;
    }
}
