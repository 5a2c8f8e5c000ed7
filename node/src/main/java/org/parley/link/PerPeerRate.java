package org.parley.link;

import java.util.HashMap;
import java.util.Map;
import org.parley.identity.PeerId;

/**
 * How many requests of one kind each neighbour made in its current minute, against a limit:
 * a fixed window per peer, started by the peer's first request after the last one ended. Confined
 * to the loop of the layer that keeps it.
 */
public final class PerPeerRate {
    private static final long MINUTE_MILLIS = 60_000;

    private record Window(long startMillis, int count) {
    }

    private final int perMinute;
    private final Map<PeerId, Window> windows = new HashMap<>();

    public PerPeerRate(int perMinute) {
        this.perMinute = perMinute;
    }

    /** Counts a request from {@code peer} at {@code nowMillis}; false when it is over the limit. */
    public boolean allow(PeerId peer, long nowMillis) {
        Window window = windows.get(peer);
        if (window == null || nowMillis - window.startMillis() >= MINUTE_MILLIS) {
            window = new Window(nowMillis, 0);
        }
        if (window.count() >= perMinute) {
            return false;
        }
        windows.put(peer, new Window(window.startMillis(), window.count() + 1));
        return true;
    }

    /** Forgets {@code peer}, whose link went down. */
    public void forget(PeerId peer) {
        windows.remove(peer);
    }
}
