package org.parley.link.memory;

/**
 * How a simulated node's router treats its traffic, after the mapping and filtering behaviours of
 * RFC 4787. Behind every NAT a node can dial out, and nobody can dial in: a dial to a node behind
 * one fails as a real one does (no answer), and so does a dial-back probe, so the node's own
 * reachability check finds it private. What the types differ in is whether a simultaneous open
 * (hole punching) passes, which {@link #simultaneousOpenSucceeds} decides from the two behaviours.
 *
 * <p>A mapping that is endpoint-independent is taken to keep the node's port (as Linux's
 * masquerade does when the port is free): hole punching aims at the listen port a peer offers,
 * on the IP its relay sees.
 */
public enum NatType {
    /** A public address: anyone may dial it. */
    NONE("none", Behaviour.ENDPOINT_INDEPENDENT, Behaviour.ENDPOINT_INDEPENDENT),
    /**
     * Endpoint-independent mapping and filtering ("full cone"): one public port for the node's
     * listen port whoever it talks to, and once mapped, packets from anyone reach it.
     */
    ENDPOINT_INDEPENDENT("ei", Behaviour.ENDPOINT_INDEPENDENT, Behaviour.ENDPOINT_INDEPENDENT),
    /**
     * Address-dependent mapping and filtering: a new public port for each remote IP address, and
     * only that address may send back through it. The port a peer was told tells it nothing.
     */
    ADDRESS_DEPENDENT("ad", Behaviour.ADDRESS_DEPENDENT, Behaviour.ADDRESS_DEPENDENT),
    /**
     * Address-and-port-dependent mapping and filtering ("symmetric"): a new public port for each
     * remote address and port, open only to that exact endpoint.
     */
    SYMMETRIC("sym", Behaviour.ADDRESS_AND_PORT_DEPENDENT, Behaviour.ADDRESS_AND_PORT_DEPENDENT),
    /**
     * Endpoint-independent mapping, address-dependent filtering ("restricted cone"): the port is
     * kept, and a packet gets in from any port of an IP address the node has sent to.
     */
    RESTRICTED_CONE("rc", Behaviour.ENDPOINT_INDEPENDENT, Behaviour.ADDRESS_DEPENDENT),
    /**
     * Endpoint-independent mapping, address-and-port-dependent filtering ("port-restricted
     * cone", most home routers): the port is kept, and a packet gets in only from the exact
     * address and port the node has sent to.
     */
    PORT_RESTRICTED_CONE("prc", Behaviour.ENDPOINT_INDEPENDENT, Behaviour.ADDRESS_AND_PORT_DEPENDENT);

    /** On what a mapping (a public port) or a filter (who may send in through it) depends. */
    enum Behaviour {
        ENDPOINT_INDEPENDENT, ADDRESS_DEPENDENT, ADDRESS_AND_PORT_DEPENDENT
    }

    private final String label;
    private final Behaviour mapping;
    private final Behaviour filtering;

    NatType(String label, Behaviour mapping, Behaviour filtering) {
        this.label = label;
        this.mapping = mapping;
        this.filtering = filtering;
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
        throw new IllegalArgumentException("unknown NAT type '" + label + "' (none, ei, rc, prc, ad, sym)");
    }

    /** Whether an unsolicited dial reaches the node: only without a NAT. */
    public boolean acceptsInbound() {
        return this == NONE;
    }

    /**
     * Whether the port this node's connection to a peer leaves from is the one the peer was told
     * (its listen port): without a NAT, and behind an endpoint-independent mapping.
     */
    boolean predictablePort() {
        return mapping == Behaviour.ENDPOINT_INDEPENDENT;
    }

    /**
     * Whether the packet {@code from} sends, aimed at {@code to}'s listen port on the IP the relay
     * saw, gets through {@code to}'s NAT to the node: it must hit the port {@code to}'s own outgoing
     * packet mapped (only a predictable port is hit), and the filter there must let it in. Each
     * side has sent to the other's IP at the same moment, so address-dependent filtering lets the
     * packet in from any port; address-and-port-dependent filtering only from the port it sent to,
     * which is {@code from}'s real one only when {@code from}'s port is predictable too.
     */
    private static boolean passes(NatType from, NatType to) {
        if (!to.predictablePort()) {
            return false;
        }
        return to.filtering != Behaviour.ADDRESS_AND_PORT_DEPENDENT || from.predictablePort();
    }

    /**
     * Whether two nodes, one behind each type, open a direct connection when both dial the other's
     * listen port at the relay-observed IP at once (TCP simultaneous open, coordinated through the
     * relay). One packet getting through is enough: the receiving side's answer goes back out
     * through the mapping that packet came in by, to the exact address the other side sent from,
     * which the other side's filter was opened for. So:
     * <ul>
     * <li>two cones of any kind (full, restricted, port-restricted), or any type with a public
     *     node: succeed;
     * <li>symmetric or address-dependent with a full or restricted cone: succeed (the cone's port
     *     is hit, and its filter admits the other IP from any port);
     * <li>symmetric or address-dependent with a port-restricted cone: fail (the other's packet
     *     comes from a port the cone never sent to, and the cone's packet aims at a port the other
     *     never mapped);
     * <li>symmetric or address-dependent on both sides: fail (neither port can be aimed at).
     * </ul>
     * This is the table hole punching is known to follow behind real NATs (RFC 5128, section 3.3,
     * and Ford, Srisuresh and Kegel, "Peer-to-Peer Communication Across Network Address
     * Translators", USENIX 2005), without port prediction, which Parley does not try. Symmetric in
     * its two arguments.
     */
    public static boolean simultaneousOpenSucceeds(NatType a, NatType b) {
        return passes(a, b) || passes(b, a);
    }
}
