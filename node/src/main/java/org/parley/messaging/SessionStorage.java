package org.parley.messaging;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.logging.Logger;
import org.parley.identity.PeerId;
import org.parley.proto.wire.v1.PrekeyBundle;
import org.parley.store.ContentCipher;
import org.parley.store.Database;
import org.parley.store.PeerRows;
import org.parley.store.StorageQueue;

/**
 * Puts ratchet sessions and peers' prekey bundles on disk, and back: a session's new state is
 * committed in the same transaction as the work that changed it, so that nothing it encrypted
 * leaves, and nothing it decrypted is acknowledged, before it is.
 */
final class SessionStorage {
    private static final Logger LOG = Logger.getLogger(SessionStorage.class.getName());

    private final StorageQueue storage;
    private final ContentCipher cipher;
    private final Sessions sessions;
    private final SecureRandom random;

    SessionStorage(StorageQueue storage, ContentCipher cipher, Sessions sessions, SecureRandom random) {
        this.storage = storage;
        this.cipher = cipher;
        this.sessions = sessions;
        this.random = random;
    }

    /**
     * A session's state as it will be stored. Taken on the loop: the session goes on changing
     * while the storage thread writes, so the row must be a snapshot, not a view. Sealed for
     * the disk with the storage work, off the loop.
     */
    final class Snapshot {
        private final PeerId peer;
        private final byte[] sessionId;
        private final byte[] state;
        private final boolean active;
        private final List<byte[]> dropped;

        private Snapshot(Sessions.Changed change) {
            Session session = change.session();
            this.peer = change.peer();
            this.sessionId = session.id;
            this.state = session.toBytes();
            this.active = change.active();
            this.dropped = change.dropped();
        }

        /** Which row the state goes to. */
        private SessionRow row() {
            return new SessionRow(peer, ByteString.copyFrom(sessionId));
        }

        private PeerRows.Session seal() {
            return new PeerRows.Session(peer.toString(), sessionId,
                    cipher.seal(state, sessionContext(peer, sessionId)), active, dropped);
        }
    }

    /** A session's row in storage: the key under which only its newest state is written. */
    private record SessionRow(PeerId peer, ByteString sessionId) {
    }

    /** A snapshot of the changed session, or null for none. */
    Snapshot snapshot(Sessions.Changed change) {
        return change == null ? null : new Snapshot(change);
    }

    /**
     * Submits storage work that commits with {@code session}'s state (none if null). Only the
     * newest state of a session counts, so a transaction holding many of its messages writes it
     * once (see {@link StorageQueue}); a state that drops other sessions is written with its own
     * work, after all states submitted before it, so that no dropped session is written back.
     */
    <T> CompletableFuture<T> submitWith(Snapshot session, Database.Work<T> work) {
        if (session == null) {
            return storage.submit(work);
        }
        if (!session.dropped.isEmpty()) {
            return storage.submit(connection -> {
                T value = work.run(connection);
                PeerRows.putSession(connection, session.seal());
                return value;
            });
        }
        return storage.submit(work, session.row(), connection -> {
            PeerRows.putSession(connection, session.seal());
            return null;
        });
    }

    CompletableFuture<Void> storeBundle(PeerId owner, PrekeyBundle bundle) {
        return storage.submit(connection -> {
            PeerRows.putBundle(connection, new PeerRows.Bundle(owner.toString(), bundle.toByteArray()));
            return null;
        });
    }

    /** Loads peers' bundles and our sessions into {@link Sessions}; unusable rows are skipped. */
    void load(Connection connection) throws SQLException {
        for (PeerRows.Bundle stored : PeerRows.bundles(connection)) {
            PeerId peer = StoredPeers.parse(stored.peerId());
            try {
                sessions.putBundle(Bundles.verify(PrekeyBundle.parseFrom(stored.bundle()), peer));
            } catch (InvalidProtocolBufferException | EnvelopeException | RuntimeException e) {
                LOG.warning("ignoring an unusable stored bundle of " + stored.peerId());
            }
        }
        for (PeerRows.Session stored : PeerRows.sessions(connection)) {
            PeerId peer = StoredPeers.parse(stored.peerId());
            try {
                Session session = Session.fromBytes(cipher.open(stored.record(),
                        sessionContext(peer, stored.sessionId())), random);
                sessions.load(peer, session, stored.active());
            } catch (InvalidProtocolBufferException | RuntimeException e) {
                LOG.warning("ignoring an unusable stored session with " + stored.peerId());
            }
        }
    }

    private static String sessionContext(PeerId peer, byte[] sessionId) {
        return "session:" + peer + ":" + HexFormat.of().formatHex(sessionId);
    }
}
