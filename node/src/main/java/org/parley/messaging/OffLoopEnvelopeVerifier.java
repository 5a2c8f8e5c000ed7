package org.parley.messaging;

import java.util.concurrent.Executor;
import java.util.function.Consumer;
import org.parley.identity.PeerId;
import org.parley.proto.wire.v1.WireEnvelope;
import org.parley.runtime.KeyedLanes;

/**
 * Checks envelopes (signature, time window, opening the sealed box) on a pool of workers and
 * hands the outcomes back to the loop. Envelopes wait in one lane per neighbour they came from
 * ({@link KeyedLanes}): a neighbour's envelopes are checked one at a time and reach the loop in
 * the order they arrived, so one sender's messages reach the ratchet in order, while different
 * neighbours' are checked side by side. What waits is bounded per neighbour and in total, in
 * envelopes and in bytes: a neighbour sending faster than its signatures can be checked fills its
 * own lane and has its own envelopes dropped unread (they are resent for want of a receipt, and a
 * replica keeps what it could not hand over), and it delays another neighbour's envelope by at
 * most one turn of its lane.
 */
public final class OffLoopEnvelopeVerifier implements EnvelopeVerifier {
    /** Envelopes that may wait for the workers: several full send windows of honest peers. */
    public static final int MAX_WAITING = 8192;
    /** Bytes of envelopes that may wait for the workers. */
    public static final long MAX_WAITING_BYTES = 32L * 1024 * 1024;
    /** Envelopes from one neighbour that may wait: two of its send windows (receipts beside messages). */
    public static final int MAX_WAITING_PER_PEER = 2 * MessagingConfig.defaults().sendWindow();
    /** Bytes of envelopes from one neighbour that may wait. */
    public static final long MAX_WAITING_BYTES_PER_PEER = 8L * 1024 * 1024;
    /** Envelopes a neighbour's lane checks before the next lane has the worker. */
    static final int TURN = 16;

    private final Executor loop;
    private final KeyedLanes<PeerId> lanes;

    /** {@code workers}: a pool of any size, or the virtual loop in the simulator. */
    public OffLoopEnvelopeVerifier(Executor workers, Executor loop) {
        this(workers, loop, new KeyedLanes.Bounds(TURN, MAX_WAITING_PER_PEER, MAX_WAITING_BYTES_PER_PEER,
                MAX_WAITING, MAX_WAITING_BYTES));
    }

    OffLoopEnvelopeVerifier(Executor workers, Executor loop, KeyedLanes.Bounds bounds) {
        this.loop = loop;
        this.lanes = new KeyedLanes<>(workers, bounds);
    }

    @Override
    public void verify(PeerId from, WireEnvelope proto, long nowMillis, Checker checker, Consumer<EnvelopeCheck> then) {
        boolean queued = lanes.submit(from, proto.getSerializedSize(), () -> {
            EnvelopeCheck check = checker.check(proto, nowMillis);
            loop.execute(() -> then.accept(check));
        });
        if (!queued) {
            then.accept(null);
        }
    }

    /** Envelopes waiting or being checked, from every neighbour. */
    int waiting() {
        return lanes.waiting();
    }

    /** Envelopes from {@code from} waiting or being checked. */
    int waiting(PeerId from) {
        return lanes.waiting(from);
    }
}
