package org.parley.api;

/**
 * A file offered with a message, as scripts and the terminal client see it.
 *
 * @param sha256 the content's SHA-256, in hex
 * @param state {@code "offered"} (sent by us, or a stranger's offer not fetched), {@code "downloading"},
 *     {@code "complete"} or {@code "failed"}
 * @param path the sent file, or the download once complete; null otherwise
 * @param chunksHeld chunks this node holds, of {@code chunks}
 * @param reason why it failed; null otherwise
 */
public record FileView(String name, long size, String sha256, String state, String path, int chunksHeld, int chunks,
                       String reason) {
}
