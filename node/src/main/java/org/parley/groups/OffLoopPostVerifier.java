package org.parley.groups;

import java.util.concurrent.Executor;
import java.util.function.Consumer;
import java.util.logging.Logger;
import org.parley.runtime.KeyedLanes;

/**
 * Parses posts and checks their signatures on a pool of workers, in one lane per group
 * ({@link KeyedLanes}), and hands each outcome back to the loop before the lane checks the next:
 * a group's posts reach the group layer in the order they came, while different groups' are
 * checked side by side. An Ed25519 verification is most of the CPU a member spends on a post;
 * on the loop it held up every link's frames and every commit behind it.
 *
 * <p>What waits is bounded per group and in total, in posts and bytes. A post past a bound is
 * dropped unchecked, as a post lost on the way would be: the member finds the gap at the next
 * heads exchange and back-fills it. The simulator runs this class with its virtual loop as the
 * workers, so its runs stay deterministic.
 */
public final class OffLoopPostVerifier implements PostVerifier {
    private static final Logger LOG = Logger.getLogger(OffLoopPostVerifier.class.getName());
    /** Posts of one group that may wait: a burst several times the gossip window of a busy group. */
    static final int MAX_WAITING_PER_GROUP = 2048;
    static final long MAX_WAITING_BYTES_PER_GROUP = 8L * 1024 * 1024;
    static final int MAX_WAITING = 8192;
    static final long MAX_WAITING_BYTES = 32L * 1024 * 1024;
    /** Posts a group's lane checks before the next lane has the worker. */
    static final int TURN = 16;

    private final Executor loop;
    private final KeyedLanes<GroupId> lanes;

    /** {@code workers}: a pool of any size, or the virtual loop in the simulator. */
    public OffLoopPostVerifier(Executor workers, Executor loop) {
        this(workers, loop, new KeyedLanes.Bounds(TURN, MAX_WAITING_PER_GROUP, MAX_WAITING_BYTES_PER_GROUP,
                MAX_WAITING, MAX_WAITING_BYTES));
    }

    OffLoopPostVerifier(Executor workers, Executor loop, KeyedLanes.Bounds bounds) {
        this.loop = loop;
        this.lanes = new KeyedLanes<>(workers, bounds);
    }

    @Override
    public void verify(GroupId group, byte[] bytes, Consumer<CheckedPost> then) {
        boolean queued = lanes.submit(group, bytes.length, () -> {
            CheckedPost checked = CheckedPost.check(bytes);
            loop.execute(() -> then.accept(checked));
        });
        if (!queued) {
            LOG.fine(() -> "too many posts waiting for their signature check; one of " + group + " dropped");
        }
    }
}
