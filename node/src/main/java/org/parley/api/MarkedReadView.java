package org.parley.api;

/**
 * What marking a conversation read did.
 *
 * @param upTo the newest of the peer's messages now marked read; null when none was newer than the mark
 * @param receiptSent whether a read receipt went to the peer
 */
public record MarkedReadView(String upTo, boolean receiptSent) {
}
