package org.parley.link;

import java.util.Collection;

/**
 * Which addresses learned from others (peer records, DHT contacts) a node may dial. A record is
 * signed by its peer but says whatever that peer likes: an address on loopback, a private range
 * or a link-local network points at the dialer's own host or network, where an attacker could
 * make every node that reads the record probe a local service. Such an address is dialed only
 * when the node itself has an address in the same scope (it listens there, or was told to keep a
 * link there, as a bootstrap peer): then it is on that network, as in a local test or a LAN.
 * Public addresses are always fine; 0.0.0.0 and :: never are.
 */
final class LearnedAddresses {
    private LearnedAddresses() {
    }

    static boolean mayDial(HostPort address, Collection<HostPort> ownAddresses) {
        AddressScope scope = AddressScope.of(address);
        if (scope == AddressScope.PUBLIC) {
            return true;
        }
        if (scope == AddressScope.UNSPECIFIED) {
            return false;
        }
        for (HostPort own : ownAddresses) {
            if (AddressScope.of(own) == scope) {
                return true;
            }
        }
        return false;
    }
}
