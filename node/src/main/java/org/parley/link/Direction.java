package org.parley.link;

/** Who opened a link. */
public enum Direction {
    /** The remote peer dialed us. */
    INBOUND,
    /** We dialed the remote peer. */
    OUTBOUND;

    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
