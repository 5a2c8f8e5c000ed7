package org.parley.overlay.dht;

import com.google.protobuf.ByteString;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.parley.identity.Identity;
import org.parley.identity.PeerId;
import org.parley.link.PerPeerRate;
import org.parley.link.DialTarget;
import org.parley.link.FrameHandler;
import org.parley.link.LinkControl;
import org.parley.link.LinkEvents;
import org.parley.link.Misbehaviour;
import org.parley.link.PeerInfo;
import org.parley.overlay.record.PeerRecord;
import org.parley.proto.wire.v1.Frame;
import org.parley.proto.wire.v1.LookupProxyFrame;
import org.parley.proto.wire.v1.ProxiedAnswer;
import org.parley.proto.wire.v1.ProxiedAnswer.Outcome;
import org.parley.proto.wire.v1.ProxiedQuestion;
import org.parley.runtime.Clock;
import org.parley.runtime.Scheduler;

/**
 * Both hops of lookups made for others (decision 0085). As hop 1 we pass a neighbour's sealed
 * question on to the hop it names, from our own link, and its answer back: we learn that the
 * neighbour looks someone up, not whom. As hop 2 we open a question sealed to us, look the peer
 * up in the DHT as if for ourselves and seal the record back: we learn whom, and see hop 1's
 * link, not the asker's. A question passed on names no next hop and is never passed on again, so
 * a question travels two hops at most. Each neighbour may ask {@link #PER_NEIGHBOUR_PER_MINUTE}
 * a minute; {@link #MAX_PASSING} questions wait for hop 2 and {@link #MAX_LOOKING} lookups run
 * for others at once. Answers to our own questions go to {@link ProxiedLookups}. Confined to the
 * node's loop.
 */
public final class LookupProxy implements LinkEvents, FrameHandler {
    /** Questions one neighbour may send in a minute, as asker and as hop 1 together. */
    static final int PER_NEIGHBOUR_PER_MINUTE = 30;
    /** Questions passed on, waiting for hop 2's answer, in all. */
    static final int MAX_PASSING = 64;
    /** Lookups run for others at once. */
    static final int MAX_LOOKING = 16;
    /** How long hop 1 waits for hop 2: a dial, and a lookup that may run twice (disjointly). */
    static final Duration PASS_TIMEOUT = Duration.ofSeconds(20);
    /** How far a question's time may be from ours: clocks differ, and a question travels. */
    static final long QUESTION_WINDOW_MILLIS = Duration.ofMinutes(5).toMillis();
    /** One-time keys of questions opened within the window, at most: replays are refused. */
    static final int MAX_SEEN = 8192;
    /** Frames waiting for a link to a hop 2 being dialled, at most. */
    private static final int MAX_WAITING = 64;

    /** A neighbour's question we passed on: whom to answer, under which ID. */
    private record Passing(PeerId asker, long askerRequestId, PeerId hop2, Scheduler.Cancellable timer) {
    }

    /** A neighbour's questions in the current minute. */
    private final Identity self;
    private final LinkControl links;
    private final DhtService dht;
    private final Scheduler scheduler;
    private final Clock clock;
    private final SecureRandom random;
    private final Set<PeerId> capable = new LinkedHashSet<>();
    private final Map<Long, Passing> passing = new HashMap<>();
    private final Map<PeerId, List<Frame>> waitingForLink = new HashMap<>();
    private final Map<ByteString, Long> seen = new LinkedHashMap<>();
    private final PerPeerRate rate = new PerPeerRate(PER_NEIGHBOUR_PER_MINUTE);
    private ProxiedLookups asker;
    private int looking;
    private long nextRequestId = 1;

    public LookupProxy(Identity self, LinkControl links, DhtService dht, Scheduler scheduler, Clock clock,
                       SecureRandom random) {
        this.self = self;
        this.links = links;
        this.dht = dht;
        this.scheduler = scheduler;
        this.clock = clock;
        this.random = random;
    }

    /** Where answers to this node's own questions go. */
    void answersTo(ProxiedLookups lookups) {
        this.asker = lookups;
    }

    /** A request ID no other question of this node uses, as asker or as hop 1. */
    long nextRequestId() {
        return nextRequestId++;
    }

    /** Linked peers whose Hello says they take proxied lookups, in the order they linked. */
    List<PeerId> capablePeers() {
        return new ArrayList<>(capable);
    }

    @Override
    public void peerConnected(PeerInfo peer) {
        if (peer.proxiesLookups()) {
            capable.add(peer.peerId());
        }
        List<Frame> waiting = waitingForLink.remove(peer.peerId());
        if (waiting != null) {
            waiting.forEach(frame -> links.send(peer.peerId(), frame));
        }
    }

    @Override
    public void peerDisconnected(PeerId peer) {
        capable.remove(peer);
        rate.forget(peer);
    }

    @Override
    public Set<Frame.BodyCase> frameTypes() {
        return Set.of(Frame.BodyCase.LOOKUP_PROXY);
    }

    @Override
    public void frameReceived(PeerId from, Frame frame) {
        if (frame.getBodyCase() != Frame.BodyCase.LOOKUP_PROXY) {
            return;
        }
        LookupProxyFrame message = frame.getLookupProxy();
        switch (message.getBodyCase()) {
            case QUESTION -> question(from, message.getRequestId(), message.getQuestion());
            case ANSWER -> answer(from, message.getRequestId(), message.getAnswer());
            case BODY_NOT_SET -> links.penalize(from, Misbehaviour.MALFORMED, "proxied lookup without a body");
        }
    }

    private void question(PeerId from, long requestId, ProxiedQuestion question) {
        if (!rate.allow(from, clock.nowMillis())) {
            links.penalize(from, Misbehaviour.FLOOD, "more than " + PER_NEIGHBOUR_PER_MINUTE + " proxied lookups a minute");
            refuse(from, requestId, Outcome.QUOTA);
            return;
        }
        int nextHop = question.getNextHop().size();
        if (question.getEphemeral().size() != 32 || question.getSealed().size() != LookupBox.SEALED_QUESTION_SIZE
                || (nextHop != 0 && nextHop != 32)) {
            links.penalize(from, Misbehaviour.MALFORMED, "proxied lookup of the wrong shape");
            return;
        }
        if (nextHop == 0) {
            lookUp(from, requestId, question);
        } else {
            pass(from, requestId, question);
        }
    }

    /** Hop 1: passes the sealed question on to the hop it names, without the name. */
    private void pass(PeerId from, long requestId, ProxiedQuestion question) {
        PeerId hop2 = PeerId.fromPublicKey(question.getNextHop().toByteArray());
        if (hop2.equals(self.peerId()) || hop2.equals(from)) {
            links.penalize(from, Misbehaviour.PROTOCOL_VIOLATION, "proxied lookup passed back to a hop already on it");
            return;
        }
        if (passing.size() >= MAX_PASSING) {
            refuse(from, requestId, Outcome.QUOTA);
            return;
        }
        long ours = nextRequestId();
        Scheduler.Cancellable timer = scheduler.schedule(PASS_TIMEOUT, () -> {
            if (passing.remove(ours) != null) {
                refuse(from, requestId, Outcome.UNREACHABLE);
            }
        });
        passing.put(ours, new Passing(from, requestId, hop2, timer));
        sendOrDial(hop2, frame(ours, LookupProxyFrame.newBuilder().setQuestion(question.toBuilder().clearNextHop())));
    }

    /** Hop 2: opens the question, looks the peer up and seals the record back to the asker's key. */
    private void lookUp(PeerId from, long requestId, ProxiedQuestion question) {
        if (looking >= MAX_LOOKING) {
            refuse(from, requestId, Outcome.QUOTA);
            return;
        }
        LookupBox.Opened opened;
        try {
            opened = LookupBox.open(self, question.getEphemeral().toByteArray(), question.getSealed().toByteArray());
        } catch (LookupBox.Unopened e) {
            links.penalize(from, Misbehaviour.UNOPENED_QUESTION, e.getMessage());
            refuse(from, requestId, Outcome.REFUSED);
            return;
        }
        long now = clock.nowMillis();
        if (Math.abs(now - opened.askedAtMillis()) > QUESTION_WINDOW_MILLIS) {
            links.penalize(from, Misbehaviour.UNOPENED_QUESTION, "proxied lookup asked too long ago");
            refuse(from, requestId, Outcome.REFUSED);
            return;
        }
        if (seen.containsKey(question.getEphemeral())) {
            links.penalize(from, Misbehaviour.UNOPENED_QUESTION, "proxied lookup replayed");
            refuse(from, requestId, Outcome.REFUSED);
            return;
        }
        if (seen.size() >= MAX_SEEN) {
            seen.values().removeIf(askedAt -> Math.abs(now - askedAt) > QUESTION_WINDOW_MILLIS);
            if (seen.size() >= MAX_SEEN) {
                refuse(from, requestId, Outcome.QUOTA);
                return;
            }
        }
        seen.put(question.getEphemeral(), opened.askedAtMillis());
        looking++;
        PeerId target = opened.target();
        (opened.newest() ? dht.lookupNewest(target) : dht.lookup(target)).whenComplete((result, error) -> {
            looking--;
            if (error != null) {
                refuse(from, requestId, Outcome.UNREACHABLE);
                return;
            }
            byte[] sealed = LookupBox.sealAnswer(opened.answerKey(),
                    result.record().filter(record -> record.peer().equals(target)).map(PeerRecord::toProto), random);
            links.send(from, frame(requestId, LookupProxyFrame.newBuilder().setAnswer(ProxiedAnswer.newBuilder()
                    .setOutcome(Outcome.ANSWERED).setSealed(ByteString.copyFrom(sealed)))));
        });
    }

    private void answer(PeerId from, long requestId, ProxiedAnswer answer) {
        Passing passed = passing.get(requestId);
        if (passed == null) {
            // Ours as asker, or a late answer to a question given up on, which honest peers send.
            if (asker != null) {
                asker.answered(from, requestId, answer);
            }
            return;
        }
        if (!from.equals(passed.hop2())) {
            links.penalize(from, Misbehaviour.ANSWER_TO_NOTHING, "proxied lookup answer to a question it was not asked");
            return;
        }
        passing.remove(requestId);
        passed.timer().cancel();
        if (answer.getSealed().size() > LookupBox.MAX_SEALED_ANSWER_SIZE) {
            links.penalize(from, Misbehaviour.TOO_LARGE, "proxied lookup answer of " + answer.getSealed().size() + " bytes");
            refuse(passed.asker(), passed.askerRequestId(), Outcome.REFUSED);
            return;
        }
        links.send(passed.asker(), frame(passed.askerRequestId(), LookupProxyFrame.newBuilder().setAnswer(answer)));
    }

    /**
     * Sends on the link to {@code peer}, or dials it at the address of the record we hold or
     * look up: hop 2 is a peer the asker could dial, not necessarily one we are linked to.
     */
    private void sendOrDial(PeerId peer, Frame frame) {
        if (links.send(peer, frame)) {
            return;
        }
        List<Frame> waiting = waitingForLink.get(peer);
        if (waiting == null) {
            List<Frame> queue = new ArrayList<>();
            waitingForLink.put(peer, queue);
            waiting = queue;
            scheduler.schedule(PASS_TIMEOUT, () -> waitingForLink.remove(peer, queue));
            dht.lookup(peer).thenAccept(result -> result.record().filter(record -> !record.addresses().isEmpty())
                    .ifPresent(record -> links.dialOnce(DialTarget.peerAt(peer, record.addresses().get(0)))));
        }
        if (waiting.size() < MAX_WAITING) {
            waiting.add(frame);
        }
    }


    private void refuse(PeerId to, long requestId, Outcome outcome) {
        links.send(to, frame(requestId, LookupProxyFrame.newBuilder().setAnswer(ProxiedAnswer.newBuilder()
                .setOutcome(outcome))));
    }

    private static Frame frame(long requestId, LookupProxyFrame.Builder message) {
        return Frame.newBuilder().setLookupProxy(message.setRequestId(requestId)).build();
    }
}
