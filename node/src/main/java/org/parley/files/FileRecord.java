package org.parley.files;

import org.parley.groups.GroupId;
import org.parley.identity.PeerId;
import org.parley.messaging.MessageId;

/**
 * A file as the user sees it.
 *
 * @param messageId the direct message that offered it; null for a file offered to a group
 * @param group the group it was offered to; null in a direct message
 * @param entryId the group post that offered it (hex entry ID); null in a direct message
 * @param peer who offered it to us, or whom we offered it to (ourselves, for a file we posted to a group)
 * @param state {@code "offered"} (sent, or received from a stranger and not fetched),
 *     {@code "downloading"}, {@code "complete"} or {@code "failed"}
 * @param path the sent file, or the download once complete; null otherwise
 * @param reason why it failed; null otherwise
 */
public record FileRecord(MessageId messageId, GroupId group, String entryId, PeerId peer, String direction,
                         String name, long size, String sha256, String state, String path, int chunksHeld, int chunkCount, String reason) {
    public static final String OFFERED = "offered";
    public static final String DOWNLOADING = "downloading";
    public static final String COMPLETE = "complete";
    public static final String FAILED = "failed";
}
