package org.parley.mailbox;

import com.google.protobuf.ByteString;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.parley.identity.PeerId;
import org.parley.proto.wire.v1.StoreAnswer.Outcome;

/**
 * The group posts a replica holds per topic for members who are away, with its limits: posts and
 * bytes per topic (a new post pushes out the topic's oldest, so a busy group keeps its newest),
 * bytes per depositing peer (a new post pushes out that peer's oldest: a member who posts a lot
 * keeps its newest posts held, and a peer that floods displaces only its own), bytes in all (more
 * is refused), and a hold time. Each post gets a cursor
 * when it arrives: its arrival time in milliseconds, made strictly rising, so a member can ask for
 * what came after the last post it took, and a replica that lost its store does not start again
 * below the cursors members hold. Plain data: no I/O, no clock.
 */
final class HeldGroupPosts {
    /** One held post, checked (shape, signature) when it was taken. */
    record Held(long cursor, ByteString id, String topic, PeerId depositor, long expiresAtMillis, ByteString post) {
        int size() {
            return post.size();
        }
    }

    /** Posts of one topic after a cursor, oldest first; {@code last} is the cursor to ask after next. */
    record Page(List<Held> posts, long last, boolean more) {
    }

    private final GroupMailConfig config;
    private final Map<ByteString, Held> byId = new HashMap<>();
    private final Map<String, TreeMap<Long, Held>> byTopic = new HashMap<>();
    private final Map<String, Long> bytesByTopic = new HashMap<>();
    private final Map<PeerId, Long> bytesByDepositor = new HashMap<>();
    private final Map<PeerId, TreeMap<Long, Held>> byDepositor = new HashMap<>();
    private long totalBytes;
    private long lastCursor;

    HeldGroupPosts(GroupMailConfig config) {
        this.config = config;
    }

    /** Takes back what was held before a restart. */
    void restore(Held held) {
        if (!byId.containsKey(held.id())) {
            add(held);
            lastCursor = Math.max(lastCursor, held.cursor());
        }
    }

    /**
     * Holds a checked post unless a limit says no; a post held already counts as stored. What the
     * new post pushes out of its topic is added to {@code pushedOut}.
     */
    Outcome offer(ByteString id, String topic, PeerId depositor, ByteString post, long nowMillis, List<Held> taken,
                  List<Held> pushedOut) {
        if (byId.containsKey(id)) {
            return Outcome.STORED;
        }
        int size = post.size();
        if (size > config.perTopicBytes() || size > config.perDepositorBytes()
                || totalBytes + size > config.totalBytes()) {
            return Outcome.QUOTA;
        }
        lastCursor = Math.max(lastCursor + 1, nowMillis);
        Held held = new Held(lastCursor, id, topic, depositor, nowMillis + config.holdFor().toMillis(), post);
        add(held);
        taken.add(held);
        TreeMap<Long, Held> posts = byTopic.get(topic);
        while (posts.size() > config.perTopicPosts() || bytesByTopic.getOrDefault(topic, 0L) > config.perTopicBytes()) {
            Held oldest = posts.firstEntry().getValue();
            remove(oldest);
            pushedOut.add(oldest);
        }
        TreeMap<Long, Held> deposited = byDepositor.get(depositor);
        while (bytesByDepositor.getOrDefault(depositor, 0L) > config.perDepositorBytes()) {
            Held oldest = deposited.firstEntry().getValue();
            remove(oldest);
            pushedOut.add(oldest);
        }
        return Outcome.STORED;
    }

    /** The topic's posts after {@code after}, oldest first, up to {@code maxBytes} (at least one post). */
    Page after(String topic, long after, long maxBytes) {
        TreeMap<Long, Held> posts = byTopic.get(topic);
        if (posts == null) {
            return new Page(List.of(), after, false);
        }
        List<Held> page = new ArrayList<>();
        long bytes = 0;
        long last = after;
        for (Held held : posts.tailMap(after, false).values()) {
            if (!page.isEmpty() && bytes + held.size() > maxBytes) {
                return new Page(page, last, true);
            }
            page.add(held);
            bytes += held.size();
            last = held.cursor();
        }
        return new Page(page, last, false);
    }

    /** Lets go of a post that could not be written down: not held, and welcome again. */
    void unhold(ByteString id) {
        Held held = byId.get(id);
        if (held != null) {
            remove(held);
        }
    }

    /** Drops what has been held for the hold time. */
    List<Held> expire(long nowMillis) {
        List<Held> expired = new ArrayList<>();
        for (Iterator<Held> it = byId.values().iterator(); it.hasNext(); ) {
            Held held = it.next();
            if (held.expiresAtMillis() <= nowMillis) {
                expired.add(held);
            }
        }
        expired.forEach(this::remove);
        return expired;
    }

    Collection<Held> all() {
        return byId.values();
    }

    long totalBytes() {
        return totalBytes;
    }

    int postsFor(String topic) {
        TreeMap<Long, Held> posts = byTopic.get(topic);
        return posts == null ? 0 : posts.size();
    }

    private void add(Held held) {
        byId.put(held.id(), held);
        byTopic.computeIfAbsent(held.topic(), topic -> new TreeMap<>()).put(held.cursor(), held);
        byDepositor.computeIfAbsent(held.depositor(), peer -> new TreeMap<>()).put(held.cursor(), held);
        account(held, 1);
    }

    private void remove(Held held) {
        byId.remove(held.id());
        TreeMap<Long, Held> posts = byTopic.get(held.topic());
        posts.remove(held.cursor());
        if (posts.isEmpty()) {
            byTopic.remove(held.topic());
        }
        TreeMap<Long, Held> deposited = byDepositor.get(held.depositor());
        deposited.remove(held.cursor());
        if (deposited.isEmpty()) {
            byDepositor.remove(held.depositor());
        }
        account(held, -1);
    }

    private void account(Held held, int sign) {
        long delta = (long) sign * held.size();
        totalBytes += delta;
        bytesByTopic.merge(held.topic(), delta, (a, b) -> a + b == 0 ? null : a + b);
        bytesByDepositor.merge(held.depositor(), delta, (a, b) -> a + b == 0 ? null : a + b);
    }
}
