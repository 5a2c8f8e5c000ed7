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
 */
public record FileConfig(long maxFileBytes, int window, Duration requestTimeout, int servingPerPeer,
                         Duration askAgainAfter, Duration tick) {
    public static final long DEFAULT_MAX_FILE_BYTES = 1024L * 1024 * 1024;

    public FileConfig {
        if (maxFileBytes < 0 || window < 1 || servingPerPeer < 1) {
            throw new IllegalArgumentException("file limits must be positive");
        }
    }

    public static FileConfig defaults() {
        return new FileConfig(DEFAULT_MAX_FILE_BYTES, 8, Duration.ofSeconds(20), 16, Duration.ofSeconds(5),
                Duration.ofSeconds(1));
    }

    public FileConfig withMaxFileBytes(long bytes) {
        return new FileConfig(bytes, window, requestTimeout, servingPerPeer, askAgainAfter, tick);
    }
}
