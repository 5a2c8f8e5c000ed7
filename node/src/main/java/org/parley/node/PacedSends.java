package org.parley.node;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.parley.api.ApiException;

/**
 * The benchmarks' steady load: {@code count} sends started at a fixed rate, each on a pool thread
 * so that a slow call does not hold back the schedule (latency is measured from the moment a send
 * was due, not from when a free thread got to it). Remembers when each send started, by the ID it
 * returned, and the first failure.
 */
final class PacedSends implements AutoCloseable {
    /** One send; returns the ID that the arrival events will name. */
    interface Send {
        String send() throws ApiException;
    }

    private final Map<String, Long> startedAt = new ConcurrentHashMap<>();
    private final AtomicReference<ApiException> failure = new AtomicReference<>();
    private final ScheduledExecutorService clock = Executors.newSingleThreadScheduledExecutor();
    private final ExecutorService senders;

    private PacedSends(int threads) {
        senders = Executors.newFixedThreadPool(threads);
    }

    static PacedSends start(int count, int perSecond, int threads, Send send) {
        PacedSends sends = new PacedSends(threads);
        CountDownLatch scheduled = new CountDownLatch(count);
        sends.clock.scheduleAtFixedRate(() -> {
            if (scheduled.getCount() == 0) {
                return;
            }
            scheduled.countDown();
            sends.senders.execute(() -> {
                long start = System.nanoTime();
                try {
                    sends.startedAt.put(send.send(), start);
                } catch (ApiException e) {
                    sends.failure.compareAndSet(null, e);
                }
            });
        }, 0, 1_000_000_000L / perSecond, TimeUnit.NANOSECONDS);
        return sends;
    }

    /** When each send started ({@link System#nanoTime()}), by the ID it returned. */
    Map<String, Long> startedAt() {
        return startedAt;
    }

    /** Stops scheduling, lets started sends finish, and throws the first send that failed. */
    @Override
    public void close() throws ApiException, InterruptedException {
        clock.shutdownNow();
        senders.shutdown();
        senders.awaitTermination(1, TimeUnit.MINUTES);
        if (failure.get() != null) {
            throw failure.get();
        }
    }
}
