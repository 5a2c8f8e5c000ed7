package org.parley.files;

import java.time.Duration;

/**
 * Limits and timings of file transfers.
 *
 * @param maxFileBytes largest file this node sends or fetches (settable: {@code --max-file-mib})
 * @param window chunk requests outstanding per holder: enough to keep a link busy while each
 *     chunk is checked
 * @param requestTimeout how long a chunk request may go unanswered before another holder is asked
 * @param servingPerPeer chunk reads in progress for one peer before it is told to ask later
 * @param askAgainAfter how often holders are asked again while a download has none
 * @param tick how often downloads look for timed-out requests
 * @param partialExpiry how long a download may go without a chunk before it fails and what it
 *     kept is deleted (settable: {@code --partial-download-days}; decision 0066)
 * @param syncBatch chunks written and not yet forced to disk before a download is synced; fewer
 *     wait for the next {@code tick} (decision 0074: a sync per chunk kept the disk busy forcing)
 */
public record FileConfig(long maxFileBytes, int window, Duration requestTimeout, int servingPerPeer,
                         Duration askAgainAfter, Duration tick, Duration partialExpiry, int syncBatch) {
    public static final long DEFAULT_MAX_FILE_BYTES = 1024L * 1024 * 1024;
    public static final Duration DEFAULT_PARTIAL_EXPIRY = Duration.ofDays(30);
    /** Longest a partial download may wait for its next chunk: {@code --partial-download-days} at most. */
    public static final Duration MAX_PARTIAL_EXPIRY = Duration.ofDays(365);

    public FileConfig {
        if (maxFileBytes < 0 || window < 1 || servingPerPeer < 1 || syncBatch < 1) {
            throw new IllegalArgumentException("file limits must be positive");
        }
        if (partialExpiry.isNegative() || partialExpiry.isZero()) {
            throw new IllegalArgumentException("a partial download's expiry must be positive");
        }
    }

    public static FileConfig defaults() {
        return new FileConfig(DEFAULT_MAX_FILE_BYTES, 16, Duration.ofSeconds(20), 32, Duration.ofSeconds(5),
                Duration.ofSeconds(1), DEFAULT_PARTIAL_EXPIRY, 16);
    }

    public FileConfig withMaxFileBytes(long bytes) {
        return new FileConfig(bytes, window, requestTimeout, servingPerPeer, askAgainAfter, tick, partialExpiry,
                syncBatch);
    }

    public FileConfig withPartialExpiry(Duration expiry) {
        return new FileConfig(maxFileBytes, window, requestTimeout, servingPerPeer, askAgainAfter, tick, expiry,
                syncBatch);
    }
}
