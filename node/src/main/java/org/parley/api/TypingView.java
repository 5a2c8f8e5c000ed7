package org.parley.api;

/**
 * A contact started ({@code active}) or stopped typing to us, as {@code watch} reports it (event
 * {@code "typing"}). A client shows a start for a few seconds: the contact repeats it while it types.
 */
public record TypingView(String peerId, boolean active) {
}
