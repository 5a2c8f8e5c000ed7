package org.parley.overlay.dht;

import java.util.concurrent.CompletableFuture;
import org.parley.identity.PeerId;

/** Finding peers' records in the DHT: what layers that only look peers up need of {@link DhtService}. */
public interface PeerLookups {
    /** The peer's record: the one held when there is one, else what an iterative lookup finds. */
    CompletableFuture<LookupResult> lookup(PeerId peer);

    /** The newest record of the peer the network holds, even when one is held here. */
    CompletableFuture<LookupResult> lookupNewest(PeerId peer);
}
