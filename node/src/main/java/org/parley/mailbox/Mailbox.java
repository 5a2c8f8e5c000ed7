package org.parley.mailbox;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.logging.Logger;
import com.google.protobuf.ByteString;
import org.parley.identity.Identity;
import org.parley.identity.InvalidPeerIdException;
import org.parley.identity.PeerId;
import org.parley.link.LinkControl;
import org.parley.link.FrameHandler;
import org.parley.link.LinkEvents;
import org.parley.link.Misbehaviour;
import org.parley.link.PeerInfo;
import org.parley.proto.wire.v1.WireEnvelope;
import org.parley.proto.wire.v1.Frame;
import org.parley.proto.wire.v1.MailboxFrame;
import org.parley.runtime.Clock;
import org.parley.runtime.Scheduler;
import org.parley.store.RelayRows;
import org.parley.store.StorageQueue;

/**
 * Store-and-forward mailboxes (DESIGN.md §5): one node's three parts — {@link MailReplica}
 * (holding mail for others), {@link MailRelay} (handing our mail for absent peers to their
 * replicas) and {@link MailPickup} (collecting our own) — and the {@link RelayContacts} that
 * hold mail for each other, on one {@link MailCourier}, with the
 * link frames routed to the part they are for. Sans-I/O: the same code runs in the daemon, in
 * tests and in the simulator. Confined to the node's loop.
 */
public final class Mailbox implements LinkEvents, FrameHandler {
    private static final Logger LOG = Logger.getLogger(Mailbox.class.getName());
    /** How long a frame waits for a link being dialed for it. */
    private static final Duration DIAL_TIMEOUT = Duration.ofSeconds(10);

    private final LinkControl links;
    private final MailCourier courier;
    private final MailReplica replica;
    private final MailRelay relay;
    private final DepositForwarder forwarder;
    /** Linked neighbours whose Hello said they forward deposits, in the order they linked. */
    private final java.util.LinkedHashSet<PeerId> forwarders = new java.util.LinkedHashSet<>();
    private final MailPickup pickup;
    private final RelayContacts relayContacts;
    private final GroupPostReplica groupReplica;
    private final GroupPostCarrier groupCarrier;
    private final MailboxConfig config;

    private Mailbox(Identity self, LinkControl links, Scheduler scheduler, Clock clock, MailboxConfig config,
                    ReplicaFinder finder, RelayOutbox outbox, MailSink sink, MailJournal journal,
                    List<HeldItem<PeerId, WireEnvelope>> restored, RelayContacts.Wiring relayWiring, GroupPostJournal groupJournal,
                    List<HeldItem<String, ByteString>> restoredPosts) {
        this.links = links;
        this.courier = new MailCourier(links, scheduler, DIAL_TIMEOUT);
        this.replica = new MailReplica(self.peerId(), links, courier, finder, journal, scheduler, clock, config,
                restored);
        this.relay = new MailRelay(courier, finder, outbox, scheduler, config, () -> List.copyOf(forwarders));
        this.forwarder = new DepositForwarder(self.peerId(), links, courier, finder, scheduler, clock, config,
                replica::stampBits);
        this.pickup = new MailPickup(self, links, courier, finder, sink, scheduler, clock, config);
        replica.takeOwnMailWith(pickup::isOwnPlace, sink);
        this.relayContacts = new RelayContacts(self.peerId(), links, courier, finder, relayWiring, scheduler);
        replica.keepAsRelay(relayContacts::relaysFor, relayContacts::relaysForAnyone);
        this.groupReplica = new GroupPostReplica(self.peerId(), links, courier, finder, config.replicas(), groupJournal, scheduler,
                clock, config.groupPosts(), restoredPosts);
        this.groupCarrier = new GroupPostCarrier(links, courier, finder, scheduler, config);
        this.config = config;
    }

    /**
     * A node's mailbox, holding mail for others and its relay arrangements in the profile's
     * database (loads them: blocking, call before the loop serves anything). {@code isContact}
     * says whose relay offers to accept; {@code announceRelays} names the accepted ones in our
     * record.
     */
    public static Mailbox open(Identity self, LinkControl links, Scheduler scheduler, Clock clock,
                               MailboxConfig config, ReplicaFinder finder, RelayOutbox outbox, MailSink sink,
                               StorageQueue storage, Predicate<PeerId> isContact,
                               Consumer<List<PeerId>> announceRelays) {
        SqlMailJournal journal = new SqlMailJournal(storage);
        SqlRelayJournal relayJournal = new SqlRelayJournal(storage);
        SqlGroupPostJournal groupJournal = new SqlGroupPostJournal(storage);
        Mailbox mailbox = new Mailbox(self, links, scheduler, clock, config, finder, outbox, sink, journal,
                journal.load(clock.nowMillis()), new RelayContacts.Wiring(isContact, announceRelays, relayJournal),
                groupJournal, groupJournal.load(clock.nowMillis()));
        for (RelayRows.RelayRow row : relayJournal.load()) {
            try {
                mailbox.relayContacts.restore(PeerId.parse(row.peerId()), row.role().equals(RelayRows.FOR_US),
                        row.accepted());
            } catch (InvalidPeerIdException e) {
                LOG.warning("ignoring a relay arrangement with an unusable peer ID");
            }
        }
        return mailbox;
    }

    /** A mailbox that holds mail for others in memory only (the simulator's nodes have no disk). */
    public static Mailbox inMemory(Identity self, LinkControl links, Scheduler scheduler, Clock clock,
                                   MailboxConfig config, ReplicaFinder finder, RelayOutbox outbox, MailSink sink) {
        return new Mailbox(self, links, scheduler, clock, config, finder, outbox, sink, MailJournal.IN_MEMORY,
                List.of(), new RelayContacts.Wiring(peer -> false, relays -> { }, RelayJournal.IN_MEMORY),
                GroupPostJournal.IN_MEMORY, List.of());
    }

    public void start() {
        relayContacts.start();
        replica.start();
        relay.start();
        pickup.start();
        groupReplica.start(config.repairInterval());
        groupCarrier.start();
    }

    public void stop() {
        groupCarrier.stop();
        groupReplica.stop();
        pickup.stop();
        relay.stop();
        replica.stop();
    }

    /**
     * Sets the proof of work (bits) a deposit must carry to be held here; before the loop serves
     * anything. Senders pay {@code Stamp.DEFAULT_BITS} unless set otherwise.
     */
    public void requireStampBits(int bits) {
        replica.requireStampBits(bits);
    }

    /** Hands an envelope that tracks nothing (a receipt) to the replicas of its place. */
    public void carry(PeerId recipient, WireEnvelope envelope) {
        relay.carry(recipient, envelope);
    }

    /**
     * Where our contacts' mail to us waits (decision 0047): their pair addresses to us in an
     * epoch. Picked up from each round; mail deposited with us there is ours. Call before
     * {@link #start()}.
     */
    public void pickUpPairsWith(java.util.function.LongFunction<List<org.parley.messaging.PairAddresses.PairKey>> pairs) {
        pickup.pickUpPairsWith(pairs, replica::handOverOwn);
    }

    /**
     * Which group topics to fetch held posts for (the joined groups'), and where they go. Call
     * before {@link #start()}.
     */
    public void fetchGroupPostsFor(Supplier<Collection<String>> topics, GroupPostSink sink) {
        groupCarrier.fetchFor(topics, sink);
    }

    /** Hands one of our group posts, as it travels on its topic, to the replicas of the topic. */
    public void depositGroupPost(String topic, byte[] post) {
        groupCarrier.deposit(topic, post);
    }

    /** Group posts this node holds for members of groups who are away (any groups'). */
    public int groupPostsHeldForOthers() {
        return groupReplica.postsHeld();
    }

    /** Offers to hold a contact's mail as its relay (the caller checks that it is a contact). */
    public void offerRelay(PeerId recipient) {
        relayContacts.offer(recipient);
    }

    public void withdrawRelay(PeerId recipient) {
        relayContacts.withdraw(recipient);
    }

    /** Contacts holding our mail, as our record names them. */
    public List<PeerId> relaysForUs() {
        return relayContacts.relaysForUs();
    }

    /** Contacts we offered to relay for, and whether each accepted. */
    public Map<PeerId, Boolean> relayingFor() {
        return relayContacts.relayingFor();
    }

    /** Bytes of envelopes this node holds for other peers. */
    public long bytesHeldForOthers() {
        return replica.bytesHeld();
    }

    public int envelopesHeldForOthers() {
        return replica.envelopesHeld();
    }

    /** Envelopes this node holds for {@code recipient}. */
    public int envelopesHeldFor(PeerId recipient) {
        return replica.envelopesHeldFor(recipient);
    }

    /** The envelopes this node holds for others, as it holds them. */
    List<WireEnvelope> heldEnvelopes() {
        return replica.heldEnvelopes();
    }

    /** IDs of the envelopes this node holds for others (for the simulator's replica counts). */
    public List<com.google.protobuf.ByteString> heldEnvelopeIds() {
        return replica.heldIds();
    }

    @Override
    public void peerConnected(PeerInfo peer) {
        courier.peerConnected(peer);
        pickup.peerConnected(peer.peerId());
        groupCarrier.peerConnected(peer.peerId());
        relayContacts.peerConnected(peer.peerId());
        if (peer.forwardsDeposits()) {
            forwarders.add(peer.peerId());
        }
    }

    @Override
    public void peerDisconnected(PeerId peer) {
        forwarders.remove(peer);
        forwarder.peerDisconnected(peer);
    }

    /** Mailbox requests and answers, for mail and group posts alike. */
    @Override
    public Set<Frame.BodyCase> frameTypes() {
        return Set.of(Frame.BodyCase.MAILBOX);
    }

    @Override
    public void frameReceived(PeerId from, Frame frame) {
        if (frame.getBodyCase() != Frame.BodyCase.MAILBOX) {
            return;
        }
        MailboxFrame message = frame.getMailbox();
        long requestId = message.getRequestId();
        switch (message.getBodyCase()) {
            case STORE -> replica.store(from, requestId, message.getStore());
            case STORED -> {
                if (!relay.answered(from, requestId, message.getStored())
                        && !forwarder.answered(from, requestId, message.getStored())) {
                    replica.repairAnswered(from, requestId, message.getStored());
                }
            }
            case FORWARD -> forwarder.forward(from, requestId, message.getForward());
            case FETCH -> replica.fetch(from, requestId, message.getFetch());
            case MAIL -> pickup.received(from, requestId, message.getMail());
            case DELETE -> replica.delete(from, message.getDelete());
            case RELAY_OFFER -> relayContacts.offerReceived(from, requestId, message.getRelayOffer());
            case RELAY_ANSWER -> relayContacts.answerReceived(from, message.getRelayAnswer());
            case GROUP_DEPOSIT -> groupReplica.deposit(from, requestId, message.getGroupDeposit());
            // A member's own deposits wait on nothing: a post goes to k replicas and on its topic at once.
            case GROUP_STORED -> groupReplica.repairAnswered(from, requestId, message.getGroupStored());
            case GROUP_FETCH -> groupReplica.fetch(from, requestId, message.getGroupFetch());
            case GROUP_POSTS -> groupCarrier.received(from, requestId, message.getGroupPosts());
            case BODY_NOT_SET -> links.penalize(from, Misbehaviour.MALFORMED,
                    "mailbox frame without a body");
        }
    }
}
