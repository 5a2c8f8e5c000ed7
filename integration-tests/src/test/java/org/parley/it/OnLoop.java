package org.parley.it;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.parley.runtime.EventLoop;

/** Test code that must run on a node's event loop, as everything touching its protocol state does. */
final class OnLoop {
    private OnLoop() {
    }

    /** Runs {@code work} on {@code loop} and waits for its answer. */
    static <T> T call(EventLoop loop, Callable<T> work, Duration timeout) throws Exception {
        CompletableFuture<T> result = new CompletableFuture<>();
        loop.execute(() -> {
            try {
                result.complete(work.call());
            } catch (Exception e) {
                result.completeExceptionally(e);
            }
        });
        return result.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Polls {@code condition} until it holds; fails naming {@code what} after {@code timeout}. */
    static void await(Callable<Boolean> condition, String what, Duration timeout) throws Exception {
        Instant deadline = Instant.now().plus(timeout);
        while (Instant.now().isBefore(deadline)) {
            if (condition.call()) {
                return;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("timed out waiting for " + what);
    }
}
