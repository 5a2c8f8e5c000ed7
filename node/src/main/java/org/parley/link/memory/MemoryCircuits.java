package org.parley.link.memory;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;
import org.parley.identity.PeerId;
import org.parley.link.DialTarget;
import org.parley.link.HostPort;
import org.parley.link.LinkPath;
import org.parley.link.Neighbours;
import org.parley.link.relay.CircuitBudget;
import org.parley.link.relay.CircuitRelay;
import org.parley.link.relay.RelayLimits;
import org.parley.runtime.Clock;
import org.parley.runtime.Scheduler;

/**
 * One in-memory endpoint's part in relayed links, through the daemon's own {@link CircuitRelay}:
 * as a dialler, it asks the relay's circuit relay to admit a circuit to a reserved target; as the
 * target, it answers the relay's offer; as the relay, it keeps the circuits it splices and ends
 * them when it goes away. Once both ends are at the relay, the endpoint's {@code pair} makes the
 * link, inside a {@link MemoryCircuit}; each end is told where the relay sees the other end, as a
 * relay tells both ends over TLS (the other's IP, and the ephemeral port its stream came from).
 */
final class MemoryCircuits {
    private final InMemoryNetwork endpoint;
    /** Circuits this node relays now, spliced: they end when it closes. */
    private final Set<MemoryCircuit> relaying = Collections.synchronizedSet(new LinkedHashSet<>());
    private volatile CircuitRelay<PendingCircuit> relay;

    MemoryCircuits(InMemoryNetwork endpoint) {
        this.endpoint = endpoint;
    }

    /** See {@link org.parley.link.relay.CircuitTransport#serveRelay}. */
    CircuitRelay<?> serve(Neighbours neighbours, Predicate<PeerId> banned, Clock clock, RelayLimits limits) {
        CircuitRelay<PendingCircuit> serving = new CircuitRelay<>(neighbours, banned, endpoint.scheduler(), clock,
                limits);
        relay = serving;
        return serving;
    }

    /** Asks the relay at {@code relayNode} to admit a circuit to the target's peer; its answer comes later. */
    void dialThroughRelay(DialTarget target, InMemoryNetwork relayNode) {
        PendingCircuit pending = new PendingCircuit(target);
        pending.watchdog = endpoint.scheduler().schedule(endpoint.config().helloTimeout(),
                () -> pending.refuse("no answer through " + target.relay().orElseThrow().shortForm() + " in time"));
        relayNode.scheduler().execute(() -> {
            CircuitRelay<PendingCircuit> serving = relayNode.circuits().relay;
            if (serving == null) {
                pending.refuse("this node does not relay");
                return;
            }
            CircuitRelay.Admission admission = serving.connect(endpoint.self(), target.expectedPeer().orElseThrow(),
                    pending);
            admission.refusal().ifPresent(pending::refuse);
            admission.circuit().ifPresent(id -> {
                pending.circuit = id;
                if (pending.ended.get()) {
                    serving.closed(id);
                }
            });
        });
    }

    /** See {@link org.parley.link.relay.CircuitTransport#answerCircuit}. */
    void answer(PeerId relayPeer, String relayAddress, long circuit) {
        HostPort at;
        try {
            at = HostPort.parse(relayAddress);
        } catch (IllegalArgumentException unparseable) {
            return;
        }
        Optional<InMemoryNetwork> remote = endpoint.reach(at, Optional.of(relayPeer), reason -> { });
        if (remote.isEmpty()) {
            return;
        }
        InMemoryNetwork relayNode = remote.get();
        relayNode.scheduler().execute(() -> {
            CircuitRelay<PendingCircuit> serving = relayNode.circuits().relay;
            if (serving == null) {
                return;
            }
            serving.accept(endpoint.self(), circuit).ifPresent(splice -> splice.diallerEnd()
                    .spliced(relayNode, relayPeer, splice.circuit(), splice.budget(), endpoint));
        });
    }

    /** A spliced circuit this node relays ended: its place at the relay is free again. */
    void ended(MemoryCircuit circuit) {
        relaying.remove(circuit);
        endpoint.scheduler().execute(() -> {
            CircuitRelay<PendingCircuit> serving = relay;
            if (serving != null) {
                serving.closed(circuit.id);
            }
        });
    }

    /** The relay went away: every circuit it carried ends. */
    void endAll() {
        List<MemoryCircuit> open;
        synchronized (relaying) {
            open = new ArrayList<>(relaying);
        }
        open.forEach(circuit -> circuit.end("the relay went away"));
    }

    /** A dialling node's circuit while the relay decides and the target answers. */
    private final class PendingCircuit implements CircuitRelay.Dialler {
        private final DialTarget target;
        private final AtomicBoolean ended = new AtomicBoolean();
        private volatile long circuit;
        private volatile Scheduler.Cancellable watchdog;

        PendingCircuit(DialTarget target) {
            this.target = target;
        }

        @Override
        public void refuse(String reason) {
            if (ended.compareAndSet(false, true)) {
                watchdog.cancel();
                endpoint.scheduler().execute(() -> endpoint.listener().dialFailed(target, "relay: " + reason));
            }
        }

        /** Both ends are at the relay: the link comes up, inside the circuit. */
        void spliced(InMemoryNetwork relayNode, PeerId relayPeer, long id, CircuitBudget budget,
                     InMemoryNetwork answering) {
            MemoryCircuit spliced = new MemoryCircuit(relayNode, relayPeer, id, budget);
            if (!ended.compareAndSet(false, true) || endpoint.isClosed()) {
                spliced.release();
                return;
            }
            watchdog.cancel();
            relayNode.circuits().relaying.add(spliced);
            relayNode.scheduler().schedule(budget.remaining(),
                    () -> spliced.end("circuit reached its " + budget.remaining().toSeconds() + " s limit"));
            endpoint.pairThrough(target, answering, spliced);
        }
    }
}
