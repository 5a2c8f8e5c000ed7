package org.parley.overlay.reachability;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.parley.link.HostPort;

/**
 * What a node's record says it listens on. Addresses the user told it to announce win outright.
 * Otherwise the addresses peers confirmed by dialling back; and, unless the checks found the node
 * private, a listen address bound to a specific host, as the user chose it (a node with a single
 * neighbour can never gather two confirmations, and on a LAN or loopback that address is right). A
 * wildcard listen address (0.0.0.0, ::) is never announced as such: it tells a peer nothing.
 */
public final class AnnouncedAddresses {
    private AnnouncedAddresses() {
    }

    public static List<String> of(List<HostPort> announce, List<HostPort> listening, List<HostPort> confirmed,
                                  Reachability reachability) {
        if (!announce.isEmpty()) {
            return announce.stream().map(HostPort::toString).toList();
        }
        Set<HostPort> addresses = new LinkedHashSet<>(confirmed);
        if (reachability != Reachability.PRIVATE) {
            listening.stream().filter(address -> !DialBackServer.isWildcard(address.host())).forEach(addresses::add);
        }
        return new ArrayList<>(addresses.stream().map(HostPort::toString).toList());
    }
}
