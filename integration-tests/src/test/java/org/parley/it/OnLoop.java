package org.parley.it;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.parley.runtime.EventLoop;
import org.parley.testing.Eventually;

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
        Eventually.await(condition::call, what, timeout);
    }
}
