package org.parley.node;

import com.sun.management.GarbageCollectionNotificationInfo;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.management.ListenerNotFoundException;
import javax.management.Notification;
import javax.management.NotificationEmitter;
import javax.management.NotificationListener;
import javax.management.openmbean.CompositeData;

/**
 * What the JVM spent between {@link #start} and {@link #stop}, in measures that a loaded machine
 * does not change: bytes allocated by every thread, and the collector's pauses (how many, and
 * their lengths, which a loaded machine does stretch). Benchmarks divide the bytes by the messages
 * they moved.
 *
 * <p>Threads that end between the two moments take their allocations with them, so a benchmark
 * keeps its own threads alive until it has stopped measuring. Pauses are those the collector
 * reports as pauses where it tells them apart from its concurrent cycles (Shenandoah, ZGC), and
 * every collection otherwise (G1 and the serial and parallel collectors stop the application
 * for each).
 */
final class JvmWork implements AutoCloseable {
    /** What was spent: bytes allocated, and each pause's length in milliseconds. */
    record Spent(long allocatedBytes, List<Long> pauseMillis) {
        long pauseMillisTotal() {
            return pauseMillis.stream().mapToLong(Long::longValue).sum();
        }

        long pauseMillisMax() {
            return pauseMillis.stream().mapToLong(Long::longValue).max().orElse(0);
        }
    }

    private final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    private final Map<Long, Long> allocatedAtStart;
    private final List<Long> pauses = Collections.synchronizedList(new ArrayList<>());
    private final Map<NotificationEmitter, NotificationListener> listening = new HashMap<>();

    private JvmWork() {
        List<GarbageCollectorMXBean> collectors = pausing(ManagementFactory.getGarbageCollectorMXBeans());
        for (GarbageCollectorMXBean collector : collectors) {
            if (collector instanceof NotificationEmitter emitter) {
                NotificationListener listener = this::collected;
                emitter.addNotificationListener(listener, null, null);
                listening.put(emitter, listener);
            }
        }
        allocatedAtStart = allocated();
    }

    static JvmWork start() {
        return new JvmWork();
    }

    /** What was spent since {@link #start}; the pauses keep being counted until {@link #close}. */
    Spent stop() {
        Map<Long, Long> now = allocated();
        long bytes = 0;
        for (Map.Entry<Long, Long> thread : now.entrySet()) {
            bytes += thread.getValue() - allocatedAtStart.getOrDefault(thread.getKey(), 0L);
        }
        synchronized (pauses) {
            return new Spent(bytes, List.copyOf(pauses));
        }
    }

    @Override
    public void close() {
        listening.forEach((emitter, listener) -> {
            try {
                emitter.removeNotificationListener(listener);
            } catch (ListenerNotFoundException e) {
                // never added: nothing to remove
            }
        });
    }

    private void collected(Notification notification, Object handback) {
        if (GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(notification.getType())) {
            GarbageCollectionNotificationInfo info =
                    GarbageCollectionNotificationInfo.from((CompositeData) notification.getUserData());
            pauses.add(info.getGcInfo().getDuration());
        }
    }

    private Map<Long, Long> allocated() {
        long[] ids = threads.getAllThreadIds();
        long[] bytes = threads.getThreadAllocatedBytes(ids);
        Map<Long, Long> byThread = new HashMap<>();
        for (int i = 0; i < ids.length; i++) {
            if (bytes[i] >= 0) {
                byThread.put(ids[i], bytes[i]);
            }
        }
        return byThread;
    }

    /** The collectors that report pauses apart, when there are any; every collector otherwise. */
    private static List<GarbageCollectorMXBean> pausing(List<GarbageCollectorMXBean> collectors) {
        List<GarbageCollectorMXBean> pausesOnly = collectors.stream()
                .filter(collector -> collector.getName().endsWith("Pauses")).toList();
        return pausesOnly.isEmpty() ? collectors : pausesOnly;
    }
}
