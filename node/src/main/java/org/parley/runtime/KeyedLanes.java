package org.parley.runtime;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Runs tasks on a shared pool of workers, one lane per key: a lane's tasks run one at a time, in
 * the order they were given, while different lanes run side by side. A lane gives its worker up
 * after {@link Bounds#turn()} tasks and queues again behind the other lanes, so a key with a long
 * queue (a peer sending a flood) delays another key's task by at most one turn. What waits is
 * bounded per key and in total, in tasks and in bytes; past a bound a task is refused, and the key
 * whose lane is full is the only one refused until the lanes shrink or the total does.
 *
 * <p>Safe from any thread. With a {@link VirtualScheduler} as the workers the lanes run one after
 * another, in submission order, deterministically.
 */
public final class KeyedLanes<K> {
    private static final Logger LOG = Logger.getLogger(KeyedLanes.class.getName());

    /**
     * How much may wait.
     *
     * @param turn tasks a lane runs before it lets the next lane have the worker
     */
    public record Bounds(int turn, int tasksPerKey, long bytesPerKey, int tasks, long bytes) {
        public Bounds {
            if (turn < 1 || tasksPerKey < 1 || bytesPerKey < 1 || tasks < tasksPerKey || bytes < bytesPerKey) {
                throw new IllegalArgumentException("lane bounds must be positive and a key's within the total");
            }
        }
    }

    private record Task(Runnable work, long bytes) {
    }

    private final Executor workers;
    private final Bounds bounds;
    /** The lanes with tasks waiting or running; each is queued on the workers or running, never both. */
    private final Map<K, Lane> lanes = new HashMap<>();
    private int waiting;
    private long waitingBytes;

    public KeyedLanes(Executor workers, Bounds bounds) {
        this.workers = workers;
        this.bounds = bounds;
    }

    /**
     * Queues {@code work} in {@code key}'s lane, counted as {@code bytes} until it has run; false,
     * and nothing queued, when that would pass the key's bound or the total.
     */
    public boolean submit(K key, long bytes, Runnable work) {
        Lane start = null;
        synchronized (this) {
            Lane lane = lanes.get(key);
            int laneTasks = lane == null ? 0 : lane.tasks;
            long laneBytes = lane == null ? 0 : lane.bytes;
            if (laneTasks + 1 > bounds.tasksPerKey() || laneBytes + bytes > bounds.bytesPerKey()
                    || waiting + 1 > bounds.tasks() || waitingBytes + bytes > bounds.bytes()) {
                return false;
            }
            if (lane == null) {
                lane = new Lane(key);
                lanes.put(key, lane);
                start = lane;
            }
            lane.queue.add(new Task(work, bytes));
            lane.tasks++;
            lane.bytes += bytes;
            waiting++;
            waitingBytes += bytes;
        }
        if (start != null) {
            workers.execute(start);
        }
        return true;
    }

    /** Tasks queued or running, all lanes together. */
    public synchronized int waiting() {
        return waiting;
    }

    /** Tasks queued or running in {@code key}'s lane. */
    public synchronized int waiting(K key) {
        Lane lane = lanes.get(key);
        return lane == null ? 0 : lane.tasks;
    }

    private final class Lane implements Runnable {
        private final K key;
        private final ArrayDeque<Task> queue = new ArrayDeque<>();
        private int tasks;
        private long bytes;

        Lane(K key) {
            this.key = key;
        }

        @Override
        public void run() {
            for (int ran = 0; ran < bounds.turn(); ran++) {
                Task task;
                synchronized (KeyedLanes.this) {
                    task = queue.poll();
                    if (task == null) {
                        lanes.remove(key);
                        return;
                    }
                }
                try {
                    task.work().run();
                } catch (RuntimeException e) {
                    // One task's bug must not stall the lane behind it.
                    LOG.log(Level.WARNING, "a task in a lane failed", e);
                } finally {
                    synchronized (KeyedLanes.this) {
                        tasks--;
                        bytes -= task.bytes();
                        waiting--;
                        waitingBytes -= task.bytes();
                    }
                }
            }
            synchronized (KeyedLanes.this) {
                if (queue.isEmpty()) {
                    lanes.remove(key);
                    return;
                }
            }
            workers.execute(this);
        }
    }
}
