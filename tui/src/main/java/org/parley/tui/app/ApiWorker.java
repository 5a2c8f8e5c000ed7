package org.parley.tui.app;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.parley.api.ApiException;
import org.parley.api.ParleyApi;

/**
 * Runs calls to the node off the UI thread, one at a time in the order asked, and hands each
 * result (or one-line error) back to the UI thread through {@code post}. Nothing here touches
 * the UI's state: only what is posted back does, on the UI thread.
 */
public final class ApiWorker implements NodeRequests, AutoCloseable {
    private static final Logger LOG = Logger.getLogger(ApiWorker.class.getName());

    private volatile ParleyApi api;
    private final Consumer<Runnable> post;
    private final ExecutorService executor = Executors.newSingleThreadExecutor(runnable -> {
        Thread thread = new Thread(runnable, "parley-tui-worker");
        thread.setDaemon(true);
        return thread;
    });

    public ApiWorker(ParleyApi api, Consumer<Runnable> post) {
        this.api = api;
        this.post = post;
    }

    /** Serves every request from now on with {@code replacement} (a new connection to the node). */
    public void use(ParleyApi replacement) {
        api = replacement;
    }

    @Override
    public <T> void submit(Call<T> call, Consumer<T> onResult, Consumer<String> onError) {
        try {
            executor.execute(() -> {
                try {
                    T result = call.run(api);
                    post.accept(() -> onResult.accept(result));
                } catch (ApiException e) {
                    post.accept(() -> onError.accept(e.getMessage()));
                } catch (RuntimeException e) {
                    LOG.log(Level.WARNING, "a request to the node failed", e);
                    post.accept(() -> onError.accept("internal error: " + e.getClass().getSimpleName()));
                }
            });
        } catch (RejectedExecutionException stopping) {
            LOG.fine("request dropped: the client is stopping");
        }
    }

    @Override
    public void close() {
        executor.shutdownNow();
        try {
            executor.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
