package org.parley.messaging;

import com.google.protobuf.ByteString;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import java.util.logging.Logger;
import java.util.concurrent.CompletableFuture;
import org.parley.identity.PeerId;
import org.parley.link.Misbehaviour;
import org.parley.proto.wire.v1.Content;
import org.parley.proto.wire.v1.ReadReceipt;
import org.parley.runtime.Clock;
import org.parley.runtime.Scheduler;
import org.parley.store.SignalRows;
import org.parley.store.StorageQueue;

/**
 * Read receipts (decision 0053): the user marks a conversation read and one receipt names the
 * newest message read; a contact's receipt moves how far it read our messages, which shows every
 * one we sent it up to there as {@link MessageRecord#READ}. Both marks only move forward, so a
 * replayed or reordered receipt changes nothing. A receipt goes through the ratchet like a
 * delivery receipt (over the link, or to the peer's mailboxes), once: a lost one is made good by
 * the next. Confined to the loop.
 */
final class ReadReceipts {
    private static final Logger LOG = Logger.getLogger(ReadReceipts.class.getName());

    private final StorageQueue storage;
    private final SignalSwitches switches;
    private final Courier courier;
    private final Contacts contacts;
    private final Scheduler loop;
    private final Clock clock;
    private final SecureRandom random;
    private final MessagingEvents events;

    /** A receipt taken in: written with the envelope's dedupe record, told after the commit. */
    interface Incoming {
        void write(Connection connection) throws SQLException;

        void committed();
    }

    private static final Incoming IGNORED = new Incoming() {
        @Override
        public void write(Connection connection) {
        }

        @Override
        public void committed() {
        }
    };

    ReadReceipts(StorageQueue storage, SignalSwitches switches, Courier courier, Contacts contacts, Scheduler loop,
                 Clock clock, SecureRandom random, MessagingEvents events) {
        this.storage = storage;
        this.switches = switches;
        this.courier = courier;
        this.contacts = contacts;
        this.loop = loop;
        this.clock = clock;
        this.random = random;
        this.events = events;
    }

    CompletableFuture<ConversationSignals.Marked> markRead(PeerId peer, Optional<MessageId> upTo) {
        String peerId = peer.toString();
        return storage.submit(connection -> {
            Optional<SignalRows.Marked> target = upTo.isPresent()
                    ? SignalRows.theirs(connection, peerId, upTo.get().bytes())
                    : SignalRows.newestOfTheirs(connection, peerId);
            if (upTo.isPresent() && target.isEmpty()) {
                throw new MessagingException(MessagingException.Reason.NOT_FOUND,
                        "no message " + upTo.get() + " from " + peer);
            }
            if (target.isPresent() && SignalRows.advanceOwnRead(connection, peerId, target.get().sentMillis())) {
                return target;
            }
            return Optional.<SignalRows.Marked>empty();
        }).thenApplyAsync(advanced -> {
            if (advanced.isEmpty()) {
                return new ConversationSignals.Marked(Optional.empty(), false);
            }
            MessageId id = MessageId.of(advanced.get().id());
            boolean sent = switches.readReceiptsWith(peer) && courier.sendEncrypted(peer, Content.newBuilder()
                    .setMessageId(ByteString.copyFrom(MessageId.random(random).bytes()))
                    .setSentAtMs(clock.nowMillis())
                    .setReadReceipt(ReadReceipt.newBuilder().setUpTo(ByteString.copyFrom(id.bytes())))
                    .build().toByteArray());
            return new ConversationSignals.Marked(Optional.of(id), sent);
        }, loop);
    }

    /**
     * A receipt from {@code sender}, decrypted: ignored unless read receipts are on with it (a
     * stranger's, or a contact's we do not send ours to), refused when malformed, and looked up
     * only among our messages to {@code sender}, so one peer cannot mark what we sent another.
     */
    Incoming incoming(PeerId sender, ReadReceipt receipt) throws EnvelopeException {
        if (receipt.getUpTo().size() != MessageId.SIZE) {
            throw new EnvelopeException(Misbehaviour.MALFORMED, "a read receipt without a valid message ID");
        }
        if (!switches.readReceiptsWith(sender)) {
            LOG.fine(() -> "ignored a read receipt from " + sender.shortForm() + ": not turned on");
            return IGNORED;
        }
        MessageId upTo = MessageId.of(receipt.getUpTo().toByteArray());
        long[] moved = {0};
        return new Incoming() {
            @Override
            public void write(Connection connection) throws SQLException {
                Optional<SignalRows.Marked> ours = SignalRows.ours(connection, sender.toString(), upTo.bytes());
                if (ours.isPresent() && SignalRows.advancePeerRead(connection, sender.toString(), ours.get())) {
                    moved[0] = ours.get().sentMillis();
                }
                if (ours.isEmpty()) {
                    moved[0] = -1;
                }
            }

            @Override
            public void committed() {
                if (moved[0] < 0) {
                    // Not one of ours to this peer: counted, not penalised (nothing was changed).
                    contacts.countRefused(sender, Misbehaviour.ANSWER_TO_NOTHING);
                } else if (moved[0] > 0) {
                    switches.peerRead(sender, moved[0]);
                    events.readBy(sender, upTo, clock.nowMillis());
                }
            }
        };
    }

    /** {@code message} as shown: one of ours the peer read is {@link MessageRecord#READ}. */
    MessageRecord shown(MessageRecord message) {
        if (!message.direction().equals(MessageRecord.OUT) || message.state().equals(MessageRecord.FAILED)
                || message.sentAtMillis() > switches.peerReadUpTo(message.peer())) {
            return message;
        }
        return message.withState(MessageRecord.READ, null, null);
    }

    List<MessageRecord> shown(List<MessageRecord> messages) {
        return messages.stream().map(this::shown).toList();
    }
}
