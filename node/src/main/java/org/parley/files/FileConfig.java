package org.parley.files;

import java.time.Duration;

/**
 * Limits and timings of file transfers.
 *
 * @param maxFileBytes largest file this node sends or fetches (settable: {@code --max-file-mib})
 * @param window chunk requests outstanding per holder: enough to keep a link busy while each
 *     chunk is checked. Each chunk's round trip crosses several threads on both nodes (link, loop,
 *     disk, loop, link), which on a busy machine each wait for a core; with 8 (2 MiB in flight) a
 *     download was bound by those waits, not by any work (docs/PERFORMANCE.md, "Files")
 * @param requestTimeout how long a chunk request may go unanswered before another holder is asked
 * @param servingPerPeer chunk reads in progress for one peer before it is told to ask later: above
 *     the window, so that an honest downloader is never told so
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
        return new FileConfig(DEFAULT_MAX_FILE_BYTES, 32, Duration.ofSeconds(20), 48, Duration.ofSeconds(5),
                Duration.ofSeconds(1));
    }

    public FileConfig withMaxFileBytes(long bytes) {
        return new FileConfig(bytes, window, requestTimeout, servingPerPeer, askAgainAfter, tick);
    }
}
