package org.parley.mailbox;

import java.time.Duration;
import java.util.List;
import org.parley.identity.Identity;
import org.parley.identity.PeerId;
import org.parley.link.LinkControl;
import org.parley.link.LinkEvents;
import org.parley.link.PeerInfo;
import org.parley.proto.wire.v1.Envelope;
import org.parley.proto.wire.v1.Frame;
import org.parley.proto.wire.v1.MailboxFrame;
import org.parley.runtime.Clock;
import org.parley.runtime.Scheduler;
import org.parley.store.StorageQueue;

/**
 * Store-and-forward mailboxes (DESIGN.md §5): one node's three parts — {@link MailReplica}
 * (holding mail for others), {@link MailRelay} (handing our mail for absent peers to their
 * replicas) and {@link MailPickup} (collecting our own) — on one {@link MailCourier}, with the
 * link frames routed to the part they are for. Sans-I/O: the same code runs in the daemon, in
 * tests and in the simulator. Confined to the node's loop.
 */
public final class Mailbox implements LinkEvents {
    /** How long a frame waits for a link being dialed for it. */
    private static final Duration DIAL_TIMEOUT = Duration.ofSeconds(10);

    private final LinkControl links;
    private final MailCourier courier;
    private final MailReplica replica;
    private final MailRelay relay;
    private final MailPickup pickup;

    private Mailbox(Identity self, LinkControl links, Scheduler scheduler, Clock clock, MailboxConfig config,
                    ReplicaFinder finder, RelayOutbox outbox, MailSink sink, MailJournal journal,
                    List<HeldMail.Held> restored) {
        this.links = links;
        this.courier = new MailCourier(links, scheduler, DIAL_TIMEOUT);
        this.replica = new MailReplica(self.peerId(), links, courier, finder, journal, scheduler, clock, config,
                restored);
        this.relay = new MailRelay(courier, finder, outbox, scheduler, config);
        this.pickup = new MailPickup(self, links, courier, finder, sink, scheduler, clock, config);
    }

    /**
     * A node's mailbox, holding mail for others in the profile's database (loads what it held
     * before: blocking, call before the loop serves anything).
     */
    public static Mailbox open(Identity self, LinkControl links, Scheduler scheduler, Clock clock,
                               MailboxConfig config, ReplicaFinder finder, RelayOutbox outbox, MailSink sink,
                               StorageQueue storage) {
        SqlMailJournal journal = new SqlMailJournal(storage);
        return new Mailbox(self, links, scheduler, clock, config, finder, outbox, sink, journal,
                journal.load(clock.nowMillis()));
    }

    /** A mailbox that holds mail for others in memory only (the simulator's nodes have no disk). */
    public static Mailbox inMemory(Identity self, LinkControl links, Scheduler scheduler, Clock clock,
                                   MailboxConfig config, ReplicaFinder finder, RelayOutbox outbox, MailSink sink) {
        return new Mailbox(self, links, scheduler, clock, config, finder, outbox, sink, MailJournal.IN_MEMORY,
                List.of());
    }

    public void start() {
        replica.start();
        relay.start();
        pickup.start();
    }

    public void stop() {
        pickup.stop();
        relay.stop();
        replica.stop();
    }

    /** Hands an envelope that tracks nothing (a receipt) to its recipient's replicas. */
    public void carry(Envelope envelope) {
        relay.carry(envelope);
    }

    /** Bytes of envelopes this node holds for other peers. */
    public long bytesHeldForOthers() {
        return replica.bytesHeld();
    }

    public int envelopesHeldForOthers() {
        return replica.envelopesHeld();
    }

    /** IDs of the envelopes this node holds for others (for the simulator's replica counts). */
    public List<com.google.protobuf.ByteString> heldEnvelopeIds() {
        return replica.heldIds();
    }

    @Override
    public void peerConnected(PeerInfo peer) {
        courier.peerConnected(peer);
        pickup.peerConnected(peer.peerId());
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
                if (!relay.answered(from, requestId, message.getStored())) {
                    replica.repairAnswered(from, requestId, message.getStored());
                }
            }
            case FETCH -> replica.fetch(from, requestId, message.getFetch());
            case MAIL -> pickup.received(from, requestId, message.getMail());
            case DELETE -> replica.delete(from, message.getDelete());
            case BODY_NOT_SET -> links.penalize(from, MailboxException.Reason.MALFORMED.penalty,
                    "mailbox frame without a body");
        }
    }
}
