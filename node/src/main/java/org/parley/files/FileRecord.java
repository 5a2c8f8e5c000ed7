package org.parley.files;

import org.parley.identity.PeerId;
import org.parley.messaging.MessageId;

/**
 * A file as the user sees it.
 *
 * @param state {@code "offered"} (sent, or received from a stranger and not fetched),
 *     {@code "downloading"}, {@code "complete"} or {@code "failed"}
 * @param path the sent file, or the download once complete; null otherwise
 * @param reason why it failed; null otherwise
 */
public record FileRecord(MessageId messageId, PeerId peer, String direction, String name, long size, String sha256,
                         String state, String path, int chunksHeld, int chunkCount, String reason) {
    public static final String OFFERED = "offered";
    public static final String DOWNLOADING = "downloading";
    public static final String COMPLETE = "complete";
    public static final String FAILED = "failed";
}
