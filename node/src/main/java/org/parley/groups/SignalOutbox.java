package org.parley.groups;

import com.google.protobuf.ByteString;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.parley.identity.InvalidPeerIdException;
import org.parley.identity.PeerId;
import org.parley.messaging.GroupSignalTransport;
import org.parley.proto.wire.v1.GroupSignal;
import org.parley.runtime.Clock;
import org.parley.runtime.Scheduler;
import org.parley.store.ContentCipher;
import org.parley.store.GroupRows;
import org.parley.store.StorageQueue;

/**
 * The group control messages that must arrive (invitations, ops, key grants): each is stored
 * (sealed) before it is first sent, sent again while unacknowledged, and forgotten once the
 * member acknowledges it. Confined to the node's loop.
 */
final class SignalOutbox {
    private static final Logger LOG = Logger.getLogger(SignalOutbox.class.getName());

    private final GroupSignalTransport transport;
    private final StorageQueue storage;
    private final ContentCipher cipher;
    private final Scheduler loop;
    private final Clock clock;
    private final SecureRandom random;
    private final Map<ByteString, Pending> pending = new LinkedHashMap<>();
    /** Told of a peer a control message waits for and that we have no link to. */
    private Consumer<PeerId> unlinked = peer -> { };
    /**
     * How long a control message waits in a peer's mailboxes before a fresh copy goes there: a
     * copy per day survives a replica that lost it without filling mailboxes with copies.
     */
    static final Duration CARRY_AGAIN_AFTER = Duration.ofHours(24);

    private static final long NEVER = Long.MIN_VALUE / 2;

    /** A control message until the peer acknowledges it. */
    private static final class Pending {
        final PeerId peer;
        final byte[] payload;
        boolean committed;
        long lastSentMillis = NEVER;
        long lastCarriedMillis = Long.MIN_VALUE / 2;

        Pending(PeerId peer, byte[] payload) {
            this.peer = peer;
            this.payload = payload;
        }
    }

    SignalOutbox(GroupSignalTransport transport, StorageQueue storage, ContentCipher cipher, Scheduler loop, Clock clock,
                  SecureRandom random) {
        this.transport = transport;
        this.storage = storage;
        this.cipher = cipher;
        this.loop = loop;
        this.clock = clock;
        this.random = random;
    }

    /** Whom to tell when a control message is stored for a peer we have no link to (call before start). */
    void tellUnlinked(Consumer<PeerId> unlinked) {
        this.unlinked = unlinked;
    }

    /** Takes in what a previous run left unacknowledged (call while loading, on the storage thread). */
    void load(Connection connection) throws SQLException {
        for (GroupRows.QueuedSignal row : GroupRows.queuedSignals(connection)) {
            byte[] payload = cipher.open(row.payload(), context(row.signalId()));
            Pending control;
            try {
                control = new Pending(PeerId.parse(row.peerId()), payload);
            } catch (InvalidPeerIdException e) {
                throw new GroupFailure("the database holds an invalid peer ID");
            }
            control.committed = true;
            pending.put(ByteString.copyFrom(row.signalId()), control);
        }
    }

    /** Stores a control message for a member and sends it. */
    void queue(PeerId peer, GroupSignal.Builder control) {
        byte[] signalId = new byte[16];
        random.nextBytes(signalId);
        byte[] payload = control.setSignalId(ByteString.copyFrom(signalId)).build().toByteArray();
        Pending item = new Pending(peer, payload);
        pending.put(ByteString.copyFrom(signalId), item);
        GroupRows.QueuedSignal row = new GroupRows.QueuedSignal(signalId, peer.toString(),
                cipher.seal(payload, context(signalId)), clock.nowMillis());
        storage.submit(connection -> {
            GroupRows.enqueueSignal(connection, row);
            return null;
        }).whenCompleteAsync((ignored, error) -> {
            if (error != null) {
                LOG.log(Level.SEVERE, "could not store a group control message", error);
                pending.remove(ByteString.copyFrom(signalId));
                return;
            }
            item.committed = true;
            if (!transmit(item, clock.nowMillis())) {
                // Reached at once, not at the node's next periodic look at waiting peers: a group's
                // setup waits on these (invitations, ops, sender keys to every member).
                unlinked.accept(peer);
            }
        }, loop);
    }

    /** The member has what these IDs name: stop sending them. */
    void acknowledged(PeerId peer, List<ByteString> ids) {
        for (ByteString id : ids) {
            Pending item = pending.get(id);
            if (item != null && item.peer.equals(peer) && item.committed) {
                pending.remove(id);
                storage.submit(connection -> {
                    GroupRows.dequeueSignal(connection, id.toByteArray());
                    return null;
                }).whenCompleteAsync((ignored, error) -> {
                    if (error != null) {
                        LOG.log(Level.WARNING, "could not forget an acknowledged control message", error);
                    }
                }, loop);
            }
        }
    }

    /** Sends everything waiting for a peer that just linked. */
    void peerConnected(PeerId peer) {
        long now = clock.nowMillis();
        for (Pending item : pending.values()) {
            if (item.peer.equals(peer)) {
                transmit(item, now);
            }
        }
    }

    /**
     * Sends what waits for a peer and never went out: a link to it came up before its prekey
     * bundle, so nothing could be sealed for it then. What went out waits for its resend.
     */
    void sendUnsent(PeerId peer) {
        long now = clock.nowMillis();
        for (Pending item : pending.values()) {
            if (item.peer.equals(peer) && item.lastSentMillis == NEVER) {
                transmit(item, now);
            }
        }
    }

    /**
     * Sends again what has waited for its acknowledgement at least {@code afterMillis}; what
     * waits for a peer with no link goes to its mailboxes instead, once per
     * {@link #CARRY_AGAIN_AFTER} (the mailboxes hold it far longer than that).
     */
    void resend(long afterMillis) {
        long now = clock.nowMillis();
        for (Pending item : pending.values()) {
            if (now - item.lastSentMillis < afterMillis) {
                continue;
            }
            if (!transmit(item, now) && item.committed && now - item.lastCarriedMillis >= CARRY_AGAIN_AFTER.toMillis()
                    && transport.carryGroupSignal(item.peer, item.payload)) {
                item.lastCarriedMillis = now;
            }
        }
    }

    /** Peers that control messages wait for: the node should reach them. */
    Set<PeerId> waitingPeers() {
        Set<PeerId> waiting = new HashSet<>();
        pending.values().forEach(item -> waiting.add(item.peer));
        return waiting;
    }

    boolean waitsFor(PeerId peer) {
        for (Pending item : pending.values()) {
            if (item.peer.equals(peer)) {
                return true;
            }
        }
        return false;
    }

    /** Sends over the link to the peer; false when there is none (or the item is not stored yet). */
    private boolean transmit(Pending item, long now) {
        if (item.committed && transport.sendGroupSignal(item.peer, item.payload)) {
            item.lastSentMillis = now;
            return true;
        }
        return false;
    }

    private static String context(byte[] signalId) {
        return "group-control:" + HexFormat.of().formatHex(signalId);
    }
}
