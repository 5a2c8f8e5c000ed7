package org.parley.overlay.dht;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.parley.identity.PeerId;
import org.parley.link.LinkControl;
import org.parley.link.Misbehaviour;
import org.parley.overlay.discovery.Discovery;
import org.parley.overlay.record.PeerRecord;
import org.parley.overlay.record.PeerRecordException;
import org.parley.proto.wire.v1.DhtMessage;
import org.parley.proto.wire.v1.FindNode;
import org.parley.proto.wire.v1.Frame;
import org.parley.proto.wire.v1.Nodes;
import org.parley.proto.wire.v1.StoreRecord;
import org.parley.runtime.Clock;

/**
 * The DHT's server side: answers other peers' FindNode with the closest records held, and keeps
 * the records peers ask us to store when we are among the closest to their key. A request no
 * honest peer builds is refused and its sender scored down. Confined to the node's loop.
 */
final class DhtServer {
    private final PeerId self;
    private final DhtKey selfKey;
    private final LinkControl links;
    private final Clock clock;
    private final DhtConfig config;
    private final Discovery discovery;
    private final DhtKnowledge known;

    DhtServer(PeerId self, LinkControl links, Clock clock, DhtConfig config, Discovery discovery,
              DhtKnowledge known) {
        this.self = self;
        this.selfKey = DhtKey.ofPeer(self);
        this.links = links;
        this.clock = clock;
        this.config = config;
        this.discovery = discovery;
        this.known = known;
    }

    void answerFindNode(PeerId from, long requestId, FindNode request) {
        if (request.getTarget().size() != DhtKey.SIZE_BYTES) {
            links.penalize(from, Misbehaviour.MALFORMED,
                    "FindNode target of " + request.getTarget().size() + " bytes");
            return;
        }
        DhtKey target = DhtKey.fromRaw(request.getTarget().toByteArray());
        // Kademlia learns from questions too: whoever asks goes into the table. Without this a
        // node's close neighbourhood only knows it if it happened to be asked about it, and
        // lookups stop short of the peers that store a record. A client (a node nobody can dial)
        // is answered and not learned.
        if (!request.getClient()) {
            discovery.recordOf(from).ifPresent(known::learn);
        }
        Nodes.Builder answer = Nodes.newBuilder();
        recordsClosestTo(target).forEach(record -> answer.addRecords(record.toProto()));
        links.send(from, Frame.newBuilder()
                .setDht(DhtMessage.newBuilder().setRequestId(requestId).setNodes(answer)).build());
    }

    /**
     * Up to k records, closest to {@code target} first: the target's own when we hold it, ours
     * when we are among the closest, and those of our closest contacts.
     */
    List<PeerRecord> recordsClosestTo(DhtKey target) {
        Map<PeerId, PeerRecord> candidates = new HashMap<>();
        // Each candidate's key, known without hashing again: a record held under a key is that key's peer's.
        Map<PeerId, DhtKey> keys = new HashMap<>();
        for (Contact contact : known.closest(target, config.lookup().k())) {
            known.contactRecord(contact.key()).ifPresent(record -> {
                candidates.put(record.peer(), record);
                keys.put(record.peer(), contact.key());
            });
        }
        known.contactRecord(target).ifPresent(record -> {
            candidates.put(record.peer(), record);
            keys.put(record.peer(), target);
        });
        known.storedRecord(target).ifPresent(record -> {
            candidates.merge(record.peer(), record, DhtKnowledge::newer);
            keys.put(record.peer(), target);
        });
        candidates.put(self, discovery.ownRecord());
        keys.put(self, selfKey);
        List<PeerRecord> closest = new ArrayList<>(candidates.values());
        closest.sort(Comparator.comparing(record -> keys.get(record.peer()), target.byDistance()));
        return closest.size() > config.lookup().k() ? closest.subList(0, config.lookup().k()) : closest;
    }

    void receiveStore(PeerId from, StoreRecord request) {
        if (!request.hasRecord()) {
            links.penalize(from, Misbehaviour.MALFORMED, "StoreRecord without a record");
            return;
        }
        Optional<PeerRecord> record = verified(from, request.getRecord());
        if (record.isEmpty()) {
            return;
        }
        if (!record.get().peer().equals(from)) {
            links.penalize(from, Misbehaviour.NOT_OWN_RECORD, "asked us to store another peer's record");
            return;
        }
        known.learn(record.get());
        // Peers' views of who is closest differ honestly; a request we are not the right place
        // for is ignored, not punished.
        if (amongClosest(DhtKey.ofPeer(from))) {
            known.keep(record.get());
        }
    }

    /** Whether this node is among the k closest to {@code key} it knows of. */
    private boolean amongClosest(DhtKey key) {
        List<Contact> closest = known.closest(key, config.lookup().k());
        return closest.size() < config.lookup().k()
                || key.compareDistances(selfKey, closest.get(closest.size() - 1).key()) < 0;
    }

    private Optional<PeerRecord> verified(PeerId from, org.parley.proto.wire.v1.PeerRecord proto) {
        try {
            return Optional.of(discovery.verifier().verify(proto, clock.nowMillis()));
        } catch (PeerRecordException e) {
            links.penalize(from, e.rejection(), "DHT record");
            return Optional.empty();
        }
    }
}
