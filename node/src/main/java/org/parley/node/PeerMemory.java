package org.parley.node;

import java.util.logging.Logger;
import org.parley.identity.InvalidPeerIdException;
import org.parley.identity.PeerId;
import org.parley.link.DialTarget;
import org.parley.link.HostPort;
import org.parley.link.LinkEvents;
import org.parley.link.LinkManager;
import org.parley.link.LinkPath;
import org.parley.link.PeerInfo;
import org.parley.runtime.Clock;
import org.parley.store.KnownPeers;
import org.parley.store.StorageQueue;

/**
 * Remembers the neighbours this node links with, and at start asks the link layer to keep links
 * to the most recent of them, so a restarted node rejoins without its bootstrap list. Writes go
 * to the storage thread; the loop never waits on disk.
 */
final class PeerMemory implements LinkEvents {
    private static final Logger LOG = Logger.getLogger(PeerMemory.class.getName());
    /** Enough to rejoin through; the overlay finds the rest. */
    static final int REDIAL_AT_START = 16;

    private final StorageQueue storage;
    private final Clock clock;

    PeerMemory(StorageQueue storage, Clock clock) {
        this.storage = storage;
        this.clock = clock;
    }

    @Override
    public void peerConnected(PeerInfo peer) {
        if (peer.path() == LinkPath.RELAYED) {
            return; // no address to dial again: it is reached through a relay its record names
        }
        long now = clock.nowMillis();
        storage.submit(connection -> {
            KnownPeers.remember(connection, peer.peerId().toString(), peer.address(), now);
            return null;
        }).whenComplete((ignored, error) -> {
            if (error != null) {
                LOG.warning("could not remember a neighbour: " + error.getMessage());
            }
        });
    }

    /** Keeps links to remembered neighbours; waits for the read, so call it once, at start. */
    void redialRemembered(LinkManager links, PeerId self) {
        for (KnownPeers.KnownPeer known : storage.submit(
                connection -> KnownPeers.mostRecent(connection, REDIAL_AT_START)).join()) {
            try {
                PeerId peer = PeerId.parse(known.peerId());
                if (!peer.equals(self)) {
                    links.keepLinkTo(DialTarget.peerAt(peer, HostPort.parse(known.address())));
                }
            } catch (InvalidPeerIdException | IllegalArgumentException e) {
                LOG.warning("ignoring a malformed remembered peer: " + e.getMessage());
            }
        }
    }
}
