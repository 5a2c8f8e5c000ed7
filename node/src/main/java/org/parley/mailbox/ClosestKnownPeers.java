package org.parley.mailbox;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.parley.identity.PeerId;
import org.parley.link.LinkControl;
import org.parley.overlay.dht.DhtKey;
import org.parley.overlay.dht.DhtService;
import org.parley.overlay.discovery.Discovery;
import org.parley.overlay.record.PeerRecord;

/**
 * The peers this node takes to be responsible for a recipient's mailbox: the DHT's closest
 * contacts to the recipient's key, together with the peers it is linked to now. Linked peers are
 * known to be alive, and in a small network (or many daemons on one machine, where the routing
 * table's per-network limits leave peers out) they are often the closest there are. The relays a
 * recipient names in its record are found by that record, and reached by theirs. Peers whose
 * records give no address (behind a NAT) are never among them.
 */
public final class ClosestKnownPeers implements ReplicaFinder {
    private final DhtService dht;
    private final Discovery discovery;
    private final LinkControl links;

    public ClosestKnownPeers(DhtService dht, Discovery discovery, LinkControl links) {
        this.dht = dht;
        this.discovery = discovery;
        this.links = links;
    }

    @Override
    public Optional<PeerRecord> recordOf(PeerId peer) {
        return discovery.recordOf(peer);
    }

    @Override
    public List<PeerRecord> relaysOf(PeerId recipient) {
        Optional<PeerRecord> record = recipient.equals(discovery.ownRecord().peer())
                ? Optional.of(discovery.ownRecord()) : discovery.recordOf(recipient);
        return record.map(PeerRecord::relays).orElse(List.of()).stream()
                .map(discovery::recordOf).flatMap(Optional::stream).toList();
    }

    @Override
    public List<PeerRecord> closest(PeerId recipient, int count) {
        return closestOf(recipient, count, List.of());
    }

    @Override
    public CompletableFuture<List<PeerRecord>> lookUpClosest(PeerId recipient, int count) {
        return dht.closestPeers(recipient).thenApply(found -> closestOf(recipient, count, found));
    }

    @Override
    public List<PeerRecord> closestToKey(DhtKey key, int count) {
        return closestOf(key, null, count, dht.closestContacts(key, count));
    }

    /** Of {@code found}, the DHT's closest contacts and the linked peers: the {@code count} closest. */
    private List<PeerRecord> closestOf(PeerId recipient, int count, List<PeerRecord> found) {
        List<PeerRecord> known = new ArrayList<>(found);
        known.addAll(dht.closestContacts(recipient, count));
        return closestOf(DhtKey.ofPeer(recipient), recipient, count, known);
    }

    /** Of {@code known} and the linked peers (but {@code leftOut}), the {@code count} closest to {@code key}. */
    private List<PeerRecord> closestOf(DhtKey key, PeerId leftOut, int count, List<PeerRecord> known) {
        Map<PeerId, PeerRecord> candidates = new LinkedHashMap<>();
        known.forEach(record -> candidates.putIfAbsent(record.peer(), record));
        for (PeerId linked : links.linkedPeers()) {
            if (!linked.equals(leftOut)) {
                discovery.recordOf(linked).ifPresent(record -> candidates.putIfAbsent(linked, record));
            }
        }
        // A peer nobody can dial (behind a NAT: its record gives no address) holds no mail for
        // others: the recipient, coming back, could not reach it to pick the mail up.
        // Each candidate's key is hashed once, not at every comparison of the sort: this runs for
        // every place of ours whenever a link comes up.
        List<Keyed> closest = new ArrayList<>(candidates.values().stream()
                .filter(record -> !record.addresses().isEmpty())
                .map(record -> new Keyed(record, DhtKey.ofPeer(record.peer()))).toList());
        closest.sort(Comparator.comparing(Keyed::key, key.byDistance()));
        List<PeerRecord> records = new ArrayList<>();
        for (int i = 0; i < closest.size() && i < count; i++) {
            records.add(closest.get(i).record());
        }
        return records;
    }

    private record Keyed(PeerRecord record, DhtKey key) {
    }
}
