package org.parley.api;

/**
 * A contact started ({@code active}) or stopped typing to us, as {@code watch} reports it (event
 * {@code "typing"}); with a {@code groupId}, a member of that group typing in it (decision 0060).
 * A client shows a start for a few seconds: the peer repeats it while it types.
 *
 * @param groupId the group's ID (hex), or null for a direct conversation
 */
public record TypingView(String peerId, boolean active, String groupId) {
    /** A contact typing to us. */
    public TypingView(String peerId, boolean active) {
        this(peerId, active, null);
    }
}
