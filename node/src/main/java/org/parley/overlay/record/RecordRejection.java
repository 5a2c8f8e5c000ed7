package org.parley.overlay.record;

/**
 * Why a peer record was refused, with the penalty earned by the neighbour that passed it on.
 * Records travel second-hand, so only what no honest relay would forward costs much: a stale or
 * expired record is what gossip races and slow clocks produce anyway.
 */
public enum RecordRejection {
    MALFORMED("malformed", 20),
    UNSUPPORTED_VERSION("unsupported-version", 5),
    TOO_LARGE("too-large", 20),
    FORGED("forged", 50),
    EXPIRED("expired", 2),
    EXPIRY_TOO_FAR("expiry-too-far", 10),
    STALE("stale", 1);

    private final String label;
    private final double penalty;

    RecordRejection(String label, double penalty) {
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
