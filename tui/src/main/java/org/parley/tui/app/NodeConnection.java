package org.parley.tui.app;

import org.parley.api.ApiException;
import org.parley.api.ParleyApi;

/**
 * The client's way to the node, and back to it after the node stopped answering: a client
 * attached to a daemon reconnects to the daemon the home names now (which may be a new one on a
 * new port); a node in this process is simply asked again.
 */
public interface NodeConnection {
    /** The API to use now. */
    ParleyApi api();

    /**
     * Connects again and checks that the node answers; the API to use from now on. Called off the
     * UI thread, and may block.
     */
    ParleyApi reconnect() throws ApiException;

    /** A node that lives as long as the client: reconnecting is asking it again. */
    static NodeConnection fixed(ParleyApi api) {
        return new NodeConnection() {
            @Override
            public ParleyApi api() {
                return api;
            }

            @Override
            public ParleyApi reconnect() throws ApiException {
                api.status();
                return api;
            }
        };
    }
}
