package org.parley.node;

import java.security.SecureRandom;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.parley.api.ApiException;
import org.parley.api.EventView;
import org.parley.api.ParleyApi;

/**
 * The watchers of a node's events, and the latest events themselves, so that a watcher that lost
 * its connection resumes where it was. Each event gets a cursor: this run's random epoch and the
 * event's number. The hub keeps the last {@value #MAX_KEPT_EVENTS} events, at most
 * {@value #MAX_KEPT_BYTES} bytes of them, in memory only: a cursor from before a restart, or
 * older than what is kept, is refused as too old. A watcher that throws is dropped, never the node.
 */
final class WatchHub {
    static final int MAX_KEPT_EVENTS = 4096;
    static final long MAX_KEPT_BYTES = 8L * 1024 * 1024;
    private static final Logger LOG = Logger.getLogger(WatchHub.class.getName());
    /** What an event costs beside its texts: the views, the cursor, the deque's node. */
    private static final int EVENT_OVERHEAD_BYTES = 512;

    private final String epoch;
    private final CopyOnWriteArrayList<Consumer<EventView>> watchers = new CopyOnWriteArrayList<>();
    private final ArrayDeque<Kept> kept = new ArrayDeque<>();
    private long keptBytes;
    private long last;

    private record Kept(long number, EventView event, long bytes) {
    }

    WatchHub() {
        this(randomEpoch());
    }

    WatchHub(String epoch) {
        this.epoch = epoch;
    }

    ParleyApi.Subscription add(Consumer<EventView> watcher) {
        try {
            return add(Optional.empty(), watcher);
        } catch (ApiException e) {
            throw new IllegalStateException("watching from now cannot be refused", e);
        }
    }

    /**
     * Hands {@code watcher} the kept events after {@code after}, then a {@code watching} event,
     * then each new event; under the hub's lock, so none is missed or doubled in between.
     */
    synchronized ParleyApi.Subscription add(Optional<String> after, Consumer<EventView> watcher) throws ApiException {
        List<EventView> missed = after.isPresent() ? since(after.get()) : List.of();
        try {
            missed.forEach(watcher);
            watcher.accept(EventView.watching(cursor(last)));
        } catch (RuntimeException e) {
            LOG.log(Level.FINE, "a watcher failed while catching up", e);
            return () -> { };
        }
        watchers.add(watcher);
        return () -> watchers.remove(watcher);
    }

    synchronized void publish(EventView event) {
        last++;
        EventView placed = event.at(cursor(last));
        keep(new Kept(last, placed, size(placed)));
        for (Consumer<EventView> watcher : watchers) {
            try {
                watcher.accept(placed);
            } catch (RuntimeException e) {
                LOG.log(Level.FINE, "dropping a failing watcher", e);
                watchers.remove(watcher);
            }
        }
    }

    private void keep(Kept event) {
        kept.addLast(event);
        keptBytes += event.bytes();
        while (kept.size() > MAX_KEPT_EVENTS || keptBytes > MAX_KEPT_BYTES) {
            keptBytes -= kept.removeFirst().bytes();
        }
    }

    private List<EventView> since(String after) throws ApiException {
        int dash = after.lastIndexOf('-');
        long number;
        try {
            number = Long.parseLong(after.substring(dash + 1));
        } catch (NumberFormatException | IndexOutOfBoundsException e) {
            throw new ApiException(ApiException.Kind.INVALID_ARGUMENT, "a watch cursor looks like " + cursor(last));
        }
        if (dash <= 0 || number < 0) {
            throw new ApiException(ApiException.Kind.INVALID_ARGUMENT, "a watch cursor looks like " + cursor(last));
        }
        long oldestKept = last - kept.size() + 1;
        if (!after.substring(0, dash).equals(epoch) || number > last || number < oldestKept - 1) {
            throw new ApiException(ApiException.Kind.OUT_OF_RANGE, "cursor too old: the node keeps only its last "
                    + MAX_KEPT_EVENTS + " events of this run; reload and watch without a cursor");
        }
        List<EventView> missed = new ArrayList<>();
        for (Kept event : kept) {
            if (event.number() > number) {
                missed.add(event.event());
            }
        }
        return missed;
    }

    private String cursor(long number) {
        return epoch + "-" + number;
    }

    private static long size(EventView event) {
        long texts = 0;
        if (event.message() != null) {
            texts += event.message().text().length();
        }
        if (event.groupMessage() != null) {
            texts += event.groupMessage().text().length();
        }
        return EVENT_OVERHEAD_BYTES + 2 * texts;
    }

    private static String randomEpoch() {
        byte[] bytes = new byte[8];
        new SecureRandom().nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }
}
