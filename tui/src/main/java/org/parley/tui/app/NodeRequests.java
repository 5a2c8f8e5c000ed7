package org.parley.tui.app;

import java.util.function.Consumer;
import org.parley.api.ApiException;
import org.parley.api.ParleyApi;

/**
 * How the UI asks the node for something without waiting: the call runs elsewhere, and its answer
 * (or one-line error) comes back later on the UI thread. The UI's classes depend on this, not on
 * the thread that serves it, so they can be tested against a fake node one step at a time.
 */
public interface NodeRequests {
    /** One request to the node. */
    interface Call<T> {
        T run(ParleyApi api) throws ApiException;
    }

    /** Runs {@code call}; then, on the UI thread, {@code onResult} with its answer or {@code onError} with its message. */
    <T> void submit(Call<T> call, Consumer<T> onResult, Consumer<String> onError);
}
