package org.parley.node;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.parley.api.ApiException;
import org.parley.runtime.Scheduler;

/**
 * Runs a piece of work on the node's loop on behalf of another thread (a control API call, the
 * TUI) and waits for its result. Protocol state is confined to the loop, so this is the only way
 * in from outside.
 */
final class LoopCalls {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private LoopCalls() {
    }

    /** Starts {@code work} on the loop and waits for the future it returns (e.g. a commit). */
    static <T> T await(Scheduler loop, Supplier<CompletableFuture<T>> work) throws ApiException {
        CompletableFuture<T> result = call(loop, work);
        try {
            return result.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new ApiException("the node did not answer within " + TIMEOUT.toSeconds() + " s");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            throw new ApiException(cause.getMessage() == null ? cause.toString() : cause.getMessage(), cause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ApiException("interrupted while waiting for the node");
        }
    }

    static <T> T call(Scheduler loop, Supplier<T> work) throws ApiException {
        return call(loop, work, TIMEOUT);
    }

    /** Like {@link #call(Scheduler, Supplier)}, waiting up to {@code timeout}. */
    static <T> T call(Scheduler loop, Supplier<T> work, Duration timeout) throws ApiException {
        if (loop.inLoop()) {
            return work.get();
        }
        CompletableFuture<T> result = new CompletableFuture<>();
        loop.execute(() -> {
            try {
                result.complete(work.get());
            } catch (RuntimeException e) {
                result.completeExceptionally(e);
            }
        });
        try {
            return result.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new ApiException("the node did not answer within " + timeout.toSeconds() + " s");
        } catch (ExecutionException e) {
            throw new ApiException("the node failed to answer: " + e.getCause().getMessage(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ApiException("interrupted while waiting for the node");
        }
    }
}
