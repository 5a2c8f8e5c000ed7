package org.parley.link;

/** How a link's bytes travel between the two peers. */
public enum LinkPath {
    /** A connection one peer dialled to the other's address. */
    DIRECT("direct"),
    /** A circuit a relay splices between the two peers. */
    RELAYED("relayed"),
    /** A direct connection both peers opened at once through their NATs. */
    HOLE_PUNCHED("hole-punched");

    private final String label;

    LinkPath(String label) {
        this.label = label;
    }

    /** The word {@code peers --json} shows. */
    public String label() {
        return label;
    }
}
