package org.parley.messaging;

import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * Checks envelopes on a worker and hands the outcomes back to the loop. The worker must run tasks
 * one at a time in the order given (a single-thread executor): outcomes then reach the loop in
 * arrival order. What waits for the worker is bounded, in envelopes and in bytes, so a neighbour
 * sending faster than signatures can be checked fills no memory: past the bound an envelope is
 * dropped unread (the inbound rate limit of the link layer keeps honest traffic well below it).
 */
public final class OffLoopEnvelopeVerifier implements EnvelopeVerifier {
    /** Envelopes that may wait for the worker: several full send windows of honest peers. */
    public static final int MAX_WAITING = 8192;
    /** Bytes of envelopes that may wait for the worker. */
    public static final long MAX_WAITING_BYTES = 32L * 1024 * 1024;

    private final Executor worker;
    private final Executor loop;
    private final int maxWaiting;
    private final long maxWaitingBytes;
    private final AtomicInteger waiting = new AtomicInteger();
    private final AtomicLong waitingBytes = new AtomicLong();

    public OffLoopEnvelopeVerifier(Executor worker, Executor loop) {
        this(worker, loop, MAX_WAITING, MAX_WAITING_BYTES);
    }

    OffLoopEnvelopeVerifier(Executor worker, Executor loop, int maxWaiting, long maxWaitingBytes) {
        this.worker = worker;
        this.loop = loop;
        this.maxWaiting = maxWaiting;
        this.maxWaitingBytes = maxWaitingBytes;
    }

    @Override
    public void verify(org.parley.proto.wire.v1.WireEnvelope proto, long nowMillis, Checker checker,
                       Consumer<EnvelopeCheck> then) {
        long size = proto.getSerializedSize();
        int envelopes = waiting.incrementAndGet();
        long bytes = waitingBytes.addAndGet(size);
        if (envelopes > maxWaiting || bytes > maxWaitingBytes) {
            release(size);
            then.accept(null);
            return;
        }
        worker.execute(() -> {
            EnvelopeCheck check = checker.check(proto, nowMillis);
            release(size);
            loop.execute(() -> then.accept(check));
        });
    }

    private void release(long size) {
        waiting.decrementAndGet();
        waitingBytes.addAndGet(-size);
    }
}
