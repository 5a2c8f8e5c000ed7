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
 * in from outside. A call that waits longer than the node's limit ({@code NodeOptions.apiTimeout})
 * fails with "the node did not answer", so that a stuck node is told rather than waited for.
 */
final class LoopCalls {
    private final Scheduler loop;
    private final Duration timeout;

    LoopCalls(Scheduler loop, Duration timeout) {
        this.loop = loop;
        this.timeout = timeout;
    }

    /** Starts {@code work} on the loop and waits for the future it returns (e.g. a commit). */
    <T> T await(Supplier<CompletableFuture<T>> work) throws ApiException {
        CompletableFuture<T> result = call(work);
        try {
            return result.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new ApiException(ApiException.Kind.DEADLINE_EXCEEDED,
                    "the node did not answer within " + shown(timeout));
        } catch (ExecutionException e) {
            throw Refusals.of(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ApiException(ApiException.Kind.UNAVAILABLE, "interrupted while waiting for the node");
        }
    }

    <T> T call(Supplier<T> work) throws ApiException {
        return call(work, timeout);
    }

    /** Like {@link #call(Supplier)}, waiting up to {@code timeout} instead of the node's limit. */
    <T> T call(Supplier<T> work, Duration timeout) throws ApiException {
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
            throw new ApiException(ApiException.Kind.DEADLINE_EXCEEDED,
                    "the node did not answer within " + shown(timeout));
        } catch (ExecutionException e) {
            throw new ApiException(ApiException.Kind.INTERNAL, "the node failed to answer: " + e.getCause().getMessage(),
                    e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ApiException(ApiException.Kind.UNAVAILABLE, "interrupted while waiting for the node");
        }
    }

    private static String shown(Duration limit) {
        return limit.toMillis() % 1000 == 0 ? limit.toSeconds() + " s" : limit.toMillis() + " ms";
    }
}
