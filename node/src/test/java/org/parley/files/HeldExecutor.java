package org.parley.files;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;

/**
 * An executor that only queues: the test runs what it holds when and in the order it likes,
 * standing in for a pool whose tasks finish in any order.
 */
final class HeldExecutor implements Executor {
    private final List<Runnable> held = new ArrayList<>();

    @Override
    public void execute(Runnable task) {
        held.add(task);
    }

    int size() {
        return held.size();
    }

    /** Runs what is held in the order it was queued, and whatever that queues meanwhile after it. */
    void runInOrder() {
        while (!held.isEmpty()) {
            held.remove(0).run();
        }
    }

    /** Runs what is held, the last queued first, and whatever those queue meanwhile after them. */
    void runNewestFirst() {
        while (!held.isEmpty()) {
            held.remove(held.size() - 1).run();
        }
    }
}
