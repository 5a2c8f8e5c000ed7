package org.parley.groups;

/**
 * Why a group post, op or control message was refused, with the penalty the peer that handed it
 * to us earns. Counted per group and reason.
 */
public enum GroupRejection {
    MALFORMED("malformed", 20),
    TOO_LARGE("too-large", 20),
    FORGED("forged", 50),
    NOT_A_MEMBER("not-a-member", 10),
    NOT_ALLOWED("not-allowed", 20),
    STALE_KEY("stale-key", 10),
    UNKNOWN_KEY("unknown-key", 0),
    /** A post from before its key reached us (before we joined): no fault of anyone's. */
    BEFORE_KEY("before-key", 0),
    UNDECRYPTABLE("undecryptable", 20),
    /** A post whose Lamport number is not one above its largest parent's: its sender forged its place in the log. */
    OUT_OF_ORDER("out-of-order", 20),
    REPLAYED("replayed", 1);

    private final String label;
    private final double penalty;

    GroupRejection(String label, double penalty) {
        this.label = label;
        this.penalty = penalty;
    }

    public String label() {
        return label;
    }

    public double penalty() {
        return penalty;
    }
}
