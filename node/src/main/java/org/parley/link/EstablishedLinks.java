package org.parley.link;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Logger;
import org.parley.identity.PeerId;

/**
 * The one established link per neighbour, and everyone told when one comes up or goes down. When
 * two links to the same peer both finish their Hello (both ends dialled at once), both ends keep
 * the same one ({@link DuplicateLinks}), so that what each side sends goes where the other reads.
 * Confined to the loop, like the {@link LinkManager} it serves.
 */
final class EstablishedLinks {
    private static final Logger LOG = Logger.getLogger(EstablishedLinks.class.getName());

    private final PeerId self;
    private final Map<PeerId, Neighbour> byPeer = new HashMap<>();
    private final List<LinkEvents> listeners = new CopyOnWriteArrayList<>();

    EstablishedLinks(PeerId self) {
        this.self = self;
    }

    void addListener(LinkEvents listener) {
        listeners.add(listener);
    }

    /** The neighbour's established link; null when there is none. */
    Neighbour get(PeerId peer) {
        return byPeer.get(peer);
    }

    /** Whether {@code link} is the established link of its peer (and not a losing duplicate). */
    boolean isCurrent(Link link) {
        Neighbour current = byPeer.get(link.remotePeer());
        return current != null && current.link == link;
    }

    boolean contains(PeerId peer) {
        return byPeer.containsKey(peer);
    }

    int size() {
        return byPeer.size();
    }

    /** The neighbours, ordered by peer ID. */
    List<PeerInfo> infos() {
        List<PeerInfo> peers = new ArrayList<>();
        byPeer.values().forEach(neighbour -> peers.add(neighbour.info));
        peers.sort(Comparator.comparing(PeerInfo::peerId));
        return peers;
    }

    List<PeerId> peers() {
        List<PeerId> peers = new ArrayList<>(byPeer.keySet());
        peers.sort(Comparator.naturalOrder());
        return peers;
    }

    /**
     * Takes a neighbour whose Hello just arrived: it becomes the peer's link unless the peer
     * already has one that {@link DuplicateLinks} keeps, in which case the new link is closed.
     */
    void admit(Neighbour neighbour) {
        Link link = neighbour.link;
        PeerId peer = link.remotePeer();
        Neighbour current = byPeer.get(peer);
        if (current == null) {
            byPeer.put(peer, neighbour);
            LOG.info(() -> "linked with " + peer + " at " + neighbour.info.address() + " ("
                    + link.direction().label() + ")");
            listeners.forEach(listener -> listener.peerConnected(neighbour.info));
        } else if (DuplicateLinks.keepsNew(self, current.link, link)) {
            // What the layers above said when the old link came up (our record, subscriptions, mail
            // requests) went out on it, and the peer drops what comes on a link it does not keep:
            // to them the old link went down and a new one came up, so they say it again.
            byPeer.put(peer, neighbour);
            current.cancelDrain();
            current.link.close("replaced by a newer link");
            LOG.info(() -> "relinked with " + peer + " at " + neighbour.info.address() + " ("
                    + link.direction().label() + ")");
            listeners.forEach(listener -> listener.peerDisconnected(peer));
            listeners.forEach(listener -> listener.peerConnected(neighbour.info));
        } else {
            link.close("duplicate link");
        }
    }

    /** {@code link} is gone; true when it was its peer's established link, which is then gone too. */
    boolean lost(Link link, String reason) {
        if (!isCurrent(link)) {
            return false;
        }
        PeerId peer = link.remotePeer();
        byPeer.remove(peer).cancelDrain();
        LOG.info(() -> "link to " + peer + " down: " + reason);
        listeners.forEach(listener -> listener.peerDisconnected(peer));
        return true;
    }
}
