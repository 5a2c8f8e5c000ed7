package org.parley.mailbox;

import java.time.Duration;

/**
 * The mailbox layer's settings.
 *
 * @param replicas how many peers closest to a recipient's key hold each envelope (k)
 * @param holdFor the longest a replica holds an envelope (at most 30 days); an envelope also
 *     leaves at its own expiry
 * @param perRecipientBytes what one replica holds for one recipient at most
 * @param perSenderBytes what one replica holds from one sender at most
 * @param totalBytes what one replica holds for everybody at most
 * @param relayCheckInterval how often messages to unreachable peers are handed to replicas
 * @param answerTimeout how long a sender waits for replicas to answer a store
 * @param firstPickup how long after start a node first asks its replicas for its mail
 * @param pickupInterval how often it asks again
 * @param repairInterval how often a replica hands its envelopes to the recipient's other
 *     closest peers, so that k copies survive peers leaving
 * @param batchBytes the most one answer to a fetch carries
 * @param groupPosts what a replica holds of group posts, and the most of it
 */
public record MailboxConfig(int replicas, Duration holdFor, long perRecipientBytes, long perSenderBytes,
                            long totalBytes, Duration relayCheckInterval, Duration answerTimeout,
                            Duration firstPickup, Duration pickupInterval, Duration repairInterval, int batchBytes,
                            GroupMailConfig groupPosts) {
    public static final Duration MAX_HOLD = Duration.ofDays(30);
    public static final int MAX_REPLICAS = 20;

    public MailboxConfig {
        if (replicas < 1 || replicas > MAX_REPLICAS) {
            throw new IllegalArgumentException("replicas must be 1 to " + MAX_REPLICAS + ", not " + replicas);
        }
        if (holdFor.isNegative() || holdFor.isZero() || holdFor.compareTo(MAX_HOLD) > 0) {
            throw new IllegalArgumentException("mail is held for at most 30 days, not " + holdFor);
        }
        if (perRecipientBytes <= 0 || perSenderBytes <= 0 || totalBytes <= 0 || batchBytes <= 0) {
            throw new IllegalArgumentException("mailbox limits must be positive");
        }
        java.util.Objects.requireNonNull(groupPosts, "groupPosts");
    }

    public static MailboxConfig defaults() {
        return new MailboxConfig(3, Duration.ofDays(7), 8L << 20, 4L << 20, 256L << 20, Duration.ofSeconds(5),
                Duration.ofSeconds(10), Duration.ofSeconds(3), Duration.ofMinutes(1), Duration.ofMinutes(1),
                256 << 10, GroupMailConfig.defaults());
    }

    public MailboxConfig withHoldFor(Duration duration) {
        return new MailboxConfig(replicas, duration, perRecipientBytes, perSenderBytes, totalBytes,
                relayCheckInterval, answerTimeout, firstPickup, pickupInterval, repairInterval, batchBytes,
                groupPosts);
    }

    public MailboxConfig withQuotas(long recipientBytes, long senderBytes, long allBytes) {
        return new MailboxConfig(replicas, holdFor, recipientBytes, senderBytes, allBytes, relayCheckInterval,
                answerTimeout, firstPickup, pickupInterval, repairInterval, batchBytes,
                groupPosts);
    }

    public MailboxConfig withGroupPosts(GroupMailConfig limits) {
        return new MailboxConfig(replicas, holdFor, perRecipientBytes, perSenderBytes, totalBytes, relayCheckInterval,
                answerTimeout, firstPickup, pickupInterval, repairInterval, batchBytes, limits);
    }

    public MailboxConfig withReplicas(int count) {
        return new MailboxConfig(count, holdFor, perRecipientBytes, perSenderBytes, totalBytes, relayCheckInterval,
                answerTimeout, firstPickup, pickupInterval, repairInterval, batchBytes,
                groupPosts);
    }
}
