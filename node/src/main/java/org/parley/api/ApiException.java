package org.parley.api;

/**
 * A request the node could not serve; the message is one line fit to show the user, the kind
 * says what sort of refusal it is (the control API answers it as the gRPC status of that name).
 */
public class ApiException extends Exception {
    /** What went wrong, in the words of gRPC's status codes (see docs/API.md). */
    public enum Kind {
        /** The request itself is wrong: a malformed ID, a limit out of range, an empty or oversized text. */
        INVALID_ARGUMENT,
        /** What the request names does not exist: a group, an invitation, a message, a member. */
        NOT_FOUND,
        /** It exists already: the peer is a member of the group. */
        ALREADY_EXISTS,
        /** The user has no right to it: only a group's admins invite and remove. */
        PERMISSION_DENIED,
        /** The node's state does not allow it now: the peer is blocked, or not a contact, or the group not joined. */
        FAILED_PRECONDITION,
        /** A limit is reached: members of a group, membership changes, a watcher's backlog. */
        RESOURCE_EXHAUSTED,
        /** A watch cursor older than what the daemon still holds. */
        OUT_OF_RANGE,
        /** The daemon refused the control token. */
        UNAUTHENTICATED,
        /** No daemon answers, or it is stopping. */
        UNAVAILABLE,
        /** The node did not answer in time. */
        DEADLINE_EXCEEDED,
        /** The node failed (a storage error); the log says more. */
        INTERNAL
    }

    private final Kind kind;

    /** A refusal of the {@link Kind#FAILED_PRECONDITION} kind. */
    public ApiException(String message) {
        this(Kind.FAILED_PRECONDITION, message);
    }

    public ApiException(String message, Throwable cause) {
        this(Kind.FAILED_PRECONDITION, message, cause);
    }

    public ApiException(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    public ApiException(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}
