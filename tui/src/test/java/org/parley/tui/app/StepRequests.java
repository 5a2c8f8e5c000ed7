package org.parley.tui.app;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.function.Consumer;
import org.parley.api.ApiException;
import org.parley.api.ParleyApi;

/**
 * Requests to the node run when the test says so, on the test's thread: each submitted call
 * waits in a queue, and {@link #settle} runs the calls and hands back their answers in order, as
 * the worker and the UI thread would, until none is left. No thread, no waiting.
 */
final class StepRequests implements NodeRequests {
    private final ParleyApi api;
    private final Deque<Runnable> queued = new ArrayDeque<>();

    StepRequests(ParleyApi api) {
        this.api = api;
    }

    @Override
    public <T> void submit(Call<T> call, Consumer<T> onResult, Consumer<String> onError) {
        queued.add(() -> {
            T result;
            try {
                result = call.run(api);
            } catch (ApiException e) {
                onError.accept(e.getMessage());
                return;
            }
            onResult.accept(result);
        });
    }

    int waiting() {
        return queued.size();
    }

    /** Runs what is queued, and what that queues, until nothing is. */
    void settle() {
        Runnable next;
        while ((next = queued.poll()) != null) {
            next.run();
        }
    }
}
