package org.parley.link.memory;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.parley.identity.PeerId;
import org.parley.link.relay.CircuitBudget;

/**
 * A relayed in-memory link as its relay sees it: the circuit's number, what it may still carry
 * ({@link CircuitBudget}), and its place at the relay, given back once when the circuit ends. The
 * two {@link MemoryLink} ends carry the frames; each frame is charged here and counted as bytes
 * the relay carried.
 */
final class MemoryCircuit {
    final InMemoryNetwork relay;
    final PeerId relayPeer;
    final long id;
    final CircuitBudget budget;
    private final AtomicBoolean released = new AtomicBoolean();
    /** The dialling side's end; closing it closes the other end too. */
    private volatile Consumer<String> closeEnds = reason -> { };

    MemoryCircuit(InMemoryNetwork relay, PeerId relayPeer, long id, CircuitBudget budget) {
        this.relay = relay;
        this.relayPeer = relayPeer;
        this.id = id;
        this.budget = budget;
    }

    void closesWith(Consumer<String> ends) {
        this.closeEnds = ends;
    }

    /** Counts {@code bytes} of a frame passing through as carried by the relay. */
    void carried(int bytes) {
        relay.relayed(bytes);
        relay.fabric().relayedAt(relay.address(), bytes);
    }

    /** Ends the circuit from the relay's side: both links go down. */
    void end(String reason) {
        closeEnds.accept(reason);
        release();
    }

    /** Gives the circuit's place at the relay back; once, whichever side ended it. */
    void release() {
        if (released.compareAndSet(false, true)) {
            relay.circuits().ended(this);
        }
    }
}
