package org.parley.overlay.dht;

import java.util.concurrent.CompletableFuture;
import org.parley.identity.PeerId;

/** Finding a peer's record by its ID: what the layers above ask of the DHT to reach a peer. */
public interface PeerLookups {
    /** The peer's record: one held here at once, else a lookup in the network. */
    CompletableFuture<LookupResult> lookup(PeerId peer);

    /** A lookup in the network even when a record is held here, for one newer than it. */
    CompletableFuture<LookupResult> lookupNewest(PeerId peer);
}
