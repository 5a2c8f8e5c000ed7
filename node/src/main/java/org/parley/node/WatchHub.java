package org.parley.node;

import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.parley.api.EventView;
import org.parley.api.ParleyApi;

/** The watchers of a node's events. A watcher that throws is dropped, never the node. */
final class WatchHub {
    private static final Logger LOG = Logger.getLogger(WatchHub.class.getName());

    private final CopyOnWriteArrayList<Consumer<EventView>> watchers = new CopyOnWriteArrayList<>();

    ParleyApi.Subscription add(Consumer<EventView> watcher) {
        watchers.add(watcher);
        return () -> watchers.remove(watcher);
    }

    void publish(EventView event) {
        for (Consumer<EventView> watcher : watchers) {
            try {
                watcher.accept(event);
            } catch (RuntimeException e) {
                LOG.log(Level.FINE, "dropping a failing watcher", e);
                watchers.remove(watcher);
            }
        }
    }
}
