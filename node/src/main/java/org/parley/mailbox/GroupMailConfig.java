package org.parley.mailbox;

import java.time.Duration;

/**
 * What a replica holds of group posts for members who are away, and how much at most.
 *
 * @param holdFor how long a post is held after it arrived (at most {@link MailboxConfig#MAX_HOLD})
 * @param perTopicPosts posts held per topic; a new one pushes out the topic's oldest
 * @param perTopicBytes bytes held per topic; likewise
 * @param perDepositorBytes bytes held from one depositing peer, over all topics; a new post pushes
 *     out that peer's oldest
 * @param totalBytes bytes of group posts held in all; more is refused
 * @param batchBytes the most one answer to a fetch carries (at least one post)
 */
public record GroupMailConfig(Duration holdFor, int perTopicPosts, long perTopicBytes, long perDepositorBytes,
                              long totalBytes, int batchBytes) {
    public GroupMailConfig {
        if (holdFor.isNegative() || holdFor.isZero() || holdFor.compareTo(MailboxConfig.MAX_HOLD) > 0) {
            throw new IllegalArgumentException("group posts are held for at most 30 days, not " + holdFor);
        }
        if (perTopicPosts <= 0 || perTopicBytes <= 0 || perDepositorBytes <= 0 || totalBytes <= 0 || batchBytes <= 0) {
            throw new IllegalArgumentException("group mail limits must be positive");
        }
    }

    /**
     * Held as long as direct mail; per topic about a thousand posts of an average 2 KiB (a busy
     * group's week, or a quiet group's month); per depositor what a member posting in a few
     * groups needs.
     */
    public static GroupMailConfig defaults() {
        return new GroupMailConfig(Duration.ofDays(7), 2048, 4L << 20, 4L << 20, 128L << 20, 256 << 10);
    }

    public GroupMailConfig withLimits(int topicPosts, long topicBytes, long depositorBytes, long allBytes) {
        return new GroupMailConfig(holdFor, topicPosts, topicBytes, depositorBytes, allBytes, batchBytes);
    }

    public GroupMailConfig withHoldFor(Duration duration) {
        return new GroupMailConfig(duration, perTopicPosts, perTopicBytes, perDepositorBytes, totalBytes, batchBytes);
    }

    public GroupMailConfig withBatchBytes(int bytes) {
        return new GroupMailConfig(holdFor, perTopicPosts, perTopicBytes, perDepositorBytes, totalBytes, bytes);
    }
}
