package org.parley.api;

/**
 * A file's state or progress changed ({@code watch} event {@code "file"}): which message offered
 * it and the file as it is now. Told when an offer is sent or arrives, as a download moves on (in
 * steps of a twentieth of the file), and when it completes or fails.
 *
 * @param messageId the direct message's ID, or the group message's entry ID, that offered the file
 * @param peerId who offered it to us, or whom we offered it to (ourselves, for a file we posted to a group)
 * @param groupId the group it was offered to; null in a direct message
 */
public record FileEventView(String messageId, String peerId, String groupId, FileView file) {
}
