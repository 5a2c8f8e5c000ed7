package org.parley.tui.cli;

import org.parley.api.ApiException;
import org.parley.api.ParleyApi;
import org.parley.control.ControlClient;
import org.parley.store.ProfileHome;
import org.parley.tui.app.NodeConnection;

/**
 * The way to the home's daemon: reconnecting reads the home's published endpoint again (a
 * restarted daemon may listen elsewhere), checks that the daemon answers, and only then lets the
 * old connection go.
 */
final class DaemonConnection implements NodeConnection, AutoCloseable {
    private final ProfileHome home;
    private volatile ControlClient client;

    DaemonConnection(ProfileHome home, ControlClient client) {
        this.home = home;
        this.client = client;
    }

    @Override
    public ParleyApi api() {
        return client;
    }

    @Override
    public ParleyApi reconnect() throws ApiException {
        ControlClient fresh = ControlClient.connect(home)
                .orElseThrow(() -> new ApiException("no daemon runs for " + home));
        try {
            fresh.identity();
        } catch (ApiException e) {
            fresh.close();
            throw e;
        }
        ControlClient old = client;
        client = fresh;
        old.close();
        return fresh;
    }

    @Override
    public void close() {
        client.close();
    }
}
