package org.parley.mailbox;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.parley.identity.PeerId;
import org.parley.link.Misbehaviour;
import org.parley.link.Neighbours;
import org.parley.overlay.record.PeerRecord;
import org.parley.proto.wire.v1.MailboxFrame;
import org.parley.proto.wire.v1.RelayAnswer;
import org.parley.proto.wire.v1.RelayOffer;
import org.parley.runtime.Scheduler;

/**
 * Contacts holding each other's mail (DESIGN.md §5: a recipient's replicas are the k peers
 * closest to its key and its contacts that offer to relay). A node offers to relay for a contact;
 * the offer goes on the link each time one comes up until the contact answers, and the contact
 * accepts it only from a peer it has added as a contact, up to {@link PeerRecord#MAX_RELAYS}, and
 * then names the relay in its signed record, which tells senders to hand its mail there too.
 * The link's identity proves who offers, so the offer itself needs no signature: it is never
 * passed on. Confined to the node's loop.
 */
final class RelayContacts {
    /** What the node around the mailbox tells it about relays: whom to accept, and how to say so. */
    record Wiring(Predicate<PeerId> isContact, Consumer<List<PeerId>> announce, RelayJournal journal) {
    }

    /** Time for a new neighbour's record to arrive after its link is up. */
    private static final Duration RECORD_GRACE = Duration.ofSeconds(2);

    private final PeerId self;
    private final Neighbours links;
    private final MailCourier courier;
    private final ReplicaFinder finder;
    private final Predicate<PeerId> isContact;
    private final Consumer<List<PeerId>> announce;
    private final RelayJournal journal;
    private final Scheduler scheduler;
    /** Contacts whose mail we offered to hold, and whether each said yes. */
    private final Map<PeerId, Boolean> relayingFor = new LinkedHashMap<>();
    /** Contacts holding our mail, named in our record. */
    private final Set<PeerId> relaysForUs = new LinkedHashSet<>();

    RelayContacts(PeerId self, Neighbours links, MailCourier courier, ReplicaFinder finder, Wiring wiring,
                  Scheduler scheduler) {
        this.self = self;
        this.links = links;
        this.courier = courier;
        this.finder = finder;
        this.isContact = wiring.isContact();
        this.announce = wiring.announce();
        this.journal = wiring.journal();
        this.scheduler = scheduler;
    }

    /** Arrangements from before a restart: our relays are named in our record again at once. */
    void restore(PeerId peer, boolean forUs, boolean accepted) {
        if (forUs) {
            if (relaysForUs.size() < PeerRecord.MAX_RELAYS) {
                relaysForUs.add(peer);
            }
        } else {
            relayingFor.put(peer, accepted);
        }
    }

    void start() {
        announce.accept(relaysForUs());
    }

    List<PeerId> relaysForUs() {
        return List.copyOf(relaysForUs);
    }

    Map<PeerId, Boolean> relayingFor() {
        return Map.copyOf(relayingFor);
    }

    /** Whether we offered to hold {@code peer}'s mail (its senders may deposit it with us). */
    boolean relaysFor(PeerId peer) {
        return relayingFor.containsKey(peer);
    }

    /** Whether we offered to hold anyone's mail. */
    boolean relaysForAnyone() {
        return !relayingFor.isEmpty();
    }

    /**
     * We offer to hold {@code recipient}'s mail: told now (dialing it if we know where), else
     * when a link to it comes up.
     */
    void offer(PeerId recipient) {
        if (recipient.equals(self)) {
            return; // our own mail is never held for us
        }
        if (relayingFor.putIfAbsent(recipient, false) == null) {
            journal.put(recipient, false, false);
        }
        sendOffer(recipient, true);
    }

    /**
     * We no longer offer: told now (dialing it if we know where), else when a link comes up and
     * its record still names us.
     */
    void withdraw(PeerId recipient) {
        if (relayingFor.remove(recipient) != null) {
            journal.remove(recipient, false);
        }
        sendOffer(recipient, false);
    }

    void peerConnected(PeerId peer) {
        if (relayingFor.containsKey(peer)) {
            sendOffer(peer, true);
            return;
        }
        scheduler.schedule(RECORD_GRACE, () -> {
            if (!relayingFor.containsKey(peer)
                    && finder.recordOf(peer).map(record -> record.relays().contains(self)).orElse(false)) {
                sendOffer(peer, false); // it still names us, though we withdrew while it was away
            }
        });
    }

    /** A peer offers to hold our mail, or withdraws its offer. */
    void offerReceived(PeerId from, long requestId, RelayOffer offer) {
        if (!offer.getOffered()) {
            if (relaysForUs.remove(from)) {
                journal.remove(from, true);
                announce.accept(relaysForUs());
            }
            return;
        }
        RelayAnswer.Outcome outcome;
        if (!isContact.test(from)) {
            outcome = RelayAnswer.Outcome.NOT_A_CONTACT; // an honest peer may offer before we add it
        } else if (relaysForUs.contains(from)) {
            outcome = RelayAnswer.Outcome.ACCEPTED;
        } else if (relaysForUs.size() >= PeerRecord.MAX_RELAYS) {
            outcome = RelayAnswer.Outcome.FULL;
        } else {
            relaysForUs.add(from);
            journal.put(from, true, true);
            announce.accept(relaysForUs());
            outcome = RelayAnswer.Outcome.ACCEPTED;
        }
        courier.sendLinked(from, MailboxFrame.newBuilder().setRequestId(requestId)
                .setRelayAnswer(RelayAnswer.newBuilder().setOutcome(outcome)).build());
    }

    /** A contact's answer to our offer; one we did not make costs the sender a little. */
    void answerReceived(PeerId from, RelayAnswer answer) {
        Boolean accepted = relayingFor.get(from);
        if (accepted == null) {
            links.penalize(from, Misbehaviour.UNASKED, "relay answer to no offer");
            return;
        }
        boolean yes = answer.getOutcome() == RelayAnswer.Outcome.ACCEPTED;
        if (yes != accepted) {
            relayingFor.put(from, yes);
            journal.put(from, false, yes);
        }
    }

    /** On the link to {@code peer}, dialed once at its record's address when there is none. */
    private void sendOffer(PeerId peer, boolean offered) {
        MailboxFrame frame = MailboxFrame.newBuilder().setRequestId(courier.nextRequestId())
                .setRelayOffer(RelayOffer.newBuilder().setOffered(offered)).build();
        if (!courier.sendLinked(peer, frame)) {
            finder.recordOf(peer).ifPresent(record -> courier.send(record, frame));
        }
    }

    /** Peers in {@code peers} and our relays, without repeats: where our own mail may wait. */
    static List<PeerRecord> withRelays(List<PeerRecord> peers, List<PeerRecord> relays) {
        List<PeerRecord> all = new ArrayList<>(peers);
        for (PeerRecord relay : relays) {
            if (all.stream().noneMatch(record -> record.peer().equals(relay.peer()))) {
                all.add(relay);
            }
        }
        return all;
    }
}
