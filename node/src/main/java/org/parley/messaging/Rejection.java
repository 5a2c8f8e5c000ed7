package org.parley.messaging;

/**
 * Why an incoming envelope was refused, with the penalty its sender (or the neighbour that
 * passed it on) earns. A replay costs little: a sender whose receipt was lost sends again.
 */
public enum Rejection {
    MALFORMED("malformed", 20),
    UNSUPPORTED_VERSION("unsupported-version", 5),
    TOO_LARGE("too-large", 20),
    FORGED("forged", 50),
    EXPIRED("expired", 2),
    NOT_FOR_US("not-for-us", 10),
    REPLAYED("replayed", 1),
    UNDECRYPTABLE("undecryptable", 20),
    BLOCKED("blocked", 0);

    private final String label;
    private final double penalty;

    Rejection(String label, double penalty) {
        this.label = label;
        this.penalty = penalty;
    }

    /** The name counted per peer and shown to the user. */
    public String label() {
        return label;
    }

    public double penalty() {
        return penalty;
    }
}
