package org.parley.api;

import java.util.List;

/**
 * A node's public identity as shown to its user.
 *
 * @param fingerprint the identity key's fingerprint, for comparing out of band
 * @param listenAddresses where the node accepts links (empty when it is not running)
 */
public record IdentityView(String peerId, String name, String fingerprint, List<String> listenAddresses) {
    public IdentityView {
        listenAddresses = List.copyOf(listenAddresses);
    }
}
