package org.parley.link.memory;

/**
 * How a simulated node's router treats its traffic, after the mapping and filtering behaviours of
 * RFC 4787. Behind every NAT a node can dial out, and nobody can dial in: a dial to a node behind
 * one fails as a real one does (no answer), and so does a dial-back probe, so the node's own
 * reachability check finds it private. What the types differ in is what a simultaneous open (hole
 * punching) could do, which {@link #simultaneousOpenSucceeds} states; the in-memory network does
 * not punch holes itself.
 */
public enum NatType {
    /** A public address: anyone may dial it. */
    NONE("none"),
    /**
     * Endpoint-independent mapping and filtering ("full cone"): one public port for the node's
     * listen port whoever it talks to, and once mapped, packets from anyone reach it. The port a
     * third party (a relay) observes is the one a peer must aim at.
     */
    ENDPOINT_INDEPENDENT("ei"),
    /**
     * Address-dependent mapping and filtering: a new public port for each remote IP address, and
     * only that address may send back through it. The port a relay observes tells a peer nothing.
     */
    ADDRESS_DEPENDENT("ad"),
    /**
     * Address-and-port-dependent mapping and filtering ("symmetric"): a new public port for each
     * remote address and port, open only to that exact endpoint.
     */
    SYMMETRIC("sym");

    private final String label;

    NatType(String label) {
        this.label = label;
    }

    /** The short name {@code parley sim --nat-mix} uses. */
    public String label() {
        return label;
    }

    /** The type a {@link #label()} names. */
    public static NatType ofLabel(String label) {
        for (NatType type : values()) {
            if (type.label.equals(label)) {
                return type;
            }
        }
        throw new IllegalArgumentException("unknown NAT type '" + label + "' (none, ei, ad, sym)");
    }

    /** Whether an unsolicited dial reaches the node: only without a NAT. */
    public boolean acceptsInbound() {
        return this == NONE;
    }

    /**
     * Whether the port this node's traffic leaves from can be predicted from what a third party
     * observed: true without a NAT and behind an endpoint-independent one.
     */
    boolean predictablePort() {
        return this == NONE || this == ENDPOINT_INDEPENDENT;
    }

    /**
     * Whether two nodes, one behind each type, open a direct connection when both dial the other's
     * observed address at once (TCP simultaneous open, coordinated through a relay). It succeeds
     * when at least one side's port is predictable ({@link #NONE} or {@link #ENDPOINT_INDEPENDENT}):
     * the other side's packet reaches that port, and its filtering lets it in (none at all, or
     * endpoint-independent). When neither is, each side aims at a port the other's router never
     * opened for it, and both packets are dropped: {@code ad}/{@code ad}, {@code ad}/{@code sym}
     * and {@code sym}/{@code sym} fail. Symmetric in its two arguments.
     */
    public static boolean simultaneousOpenSucceeds(NatType a, NatType b) {
        return a.predictablePort() || b.predictablePort();
    }
}
