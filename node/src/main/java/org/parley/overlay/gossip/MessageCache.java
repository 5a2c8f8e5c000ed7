package org.parley.overlay.gossip;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Optional;
import org.parley.proto.wire.v1.Publish;

/**
 * Recent messages, kept so that neighbours can IWant what they missed. Time is counted in
 * heartbeats: each heartbeat opens a new window, a message lives {@code historyWindows} windows,
 * and only those of the newest {@code gossipWindows} are announced in IHave, so an announced
 * message is still here when the IWant comes. Also bounded by count, oldest out first.
 */
final class MessageCache {
    private final int historyWindows;
    private final int gossipWindows;
    private final int capacity;
    private final LinkedHashMap<GossipId, Publish> messages = new LinkedHashMap<>();
    private final Deque<List<GossipId>> windows = new ArrayDeque<>();

    MessageCache(int historyWindows, int gossipWindows, int capacity) {
        this.historyWindows = historyWindows;
        this.gossipWindows = gossipWindows;
        this.capacity = capacity;
        windows.addFirst(new ArrayList<>());
    }

    /** Keeps {@code message}, ready to be sent as it is in answer to an IWant. */
    void put(GossipId id, Publish message) {
        if (messages.putIfAbsent(id, message) != null) {
            return;
        }
        windows.peekFirst().add(id);
        if (messages.size() > capacity) {
            Iterator<GossipId> oldest = messages.keySet().iterator();
            oldest.next();
            oldest.remove();
        }
    }

    Optional<Publish> get(GossipId id) {
        return Optional.ofNullable(messages.get(id));
    }

    /**
     * IDs on {@code topic} from the gossip windows, at most {@code limit}. Oldest first: when not
     * all fit, the ones about to leave the windows go now and the newer ones in later heartbeats.
     */
    List<GossipId> recentIds(String topic, int limit) {
        return ids(topic, limit, gossipWindows);
    }

    /**
     * As {@link #recentIds}, from every window but the oldest, which may be gone before an IWant
     * comes: what a neighbour just found to share the topic is told of (decision 0083).
     */
    List<GossipId> heldIds(String topic, int limit) {
        return ids(topic, limit, Math.max(gossipWindows, historyWindows - 1));
    }

    private List<GossipId> ids(String topic, int limit, int windowCount) {
        List<GossipId> ids = new ArrayList<>();
        Iterator<List<GossipId>> newestFirst = windows.iterator();
        List<List<GossipId>> announced = new ArrayList<>();
        for (int i = 0; i < windowCount && newestFirst.hasNext(); i++) {
            announced.add(0, newestFirst.next());
        }
        for (List<GossipId> window : announced) {
            for (GossipId id : window) {
                Publish message = messages.get(id);
                if (message != null && message.getTopic().equals(topic) && ids.size() < limit) {
                    ids.add(id);
                }
            }
        }
        return ids;
    }

    /** Opens a new window at a heartbeat and forgets the messages of the oldest. */
    void shift() {
        windows.addFirst(new ArrayList<>());
        while (windows.size() > historyWindows) {
            windows.removeLast().forEach(messages::remove);
        }
    }
}
