package org.parley.messaging;

import org.parley.identity.PeerId;
import org.parley.proto.wire.v1.PrekeyBundle;

/** Prekey bundles as the overlay publishes ours and finds others' in signed peer records. Called on the node's loop. */
public interface PeerBundles {
    /** Our current prekey bundle, as the peer record announces it. */
    PrekeyBundle ownBundle();

    /** A bundle from {@code owner}'s signed peer record, used while we hold none given over its own link. */
    void learnBundleFromRecord(PeerId owner, PrekeyBundle bundle);
}
