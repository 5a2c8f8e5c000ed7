package org.parley.messaging;

import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.parley.crypto.X25519;
import org.parley.identity.Identity;
import org.parley.link.Neighbours;
import org.parley.proto.wire.v1.Frame;
import org.parley.proto.wire.v1.PrekeyBundle;
import org.parley.runtime.Clock;
import org.parley.runtime.Scheduler;
import org.parley.store.ContentCipher;
import org.parley.store.PeerRows;
import org.parley.store.StorageQueue;

/**
 * Our signed prekeys: made on first use, replaced and forgotten on {@link PrekeyRotation}'s
 * schedule, stored sealed; linked peers get each new bundle.
 */
final class OwnPrekeys {
    private static final Logger LOG = Logger.getLogger(OwnPrekeys.class.getName());

    private final Identity self;
    private final Sessions sessions;
    private final Neighbours neighbours;
    private final StorageQueue storage;
    private final ContentCipher cipher;
    private final Scheduler loop;
    private final Clock clock;
    private final SecureRandom random;
    private PrekeyBundle bundle;
    private boolean rotating;

    OwnPrekeys(Identity self, Sessions sessions, Neighbours neighbours, StorageQueue storage, ContentCipher cipher,
               Scheduler loop, Clock clock, SecureRandom random) {
        this.self = self;
        this.sessions = sessions;
        this.neighbours = neighbours;
        this.storage = storage;
        this.cipher = cipher;
        this.loop = loop;
        this.clock = clock;
        this.random = random;
    }

    /** Our current prekey bundle, as the peer record announces it. */
    PrekeyBundle bundle() {
        return bundle;
    }

    /** Loads our prekeys, rotating them first if due (creating the first one on first use). */
    void load(Connection connection) throws SQLException {
        List<OwnPrekey> prekeys = new ArrayList<>();
        for (PeerRows.Prekey stored : PeerRows.prekeys(connection)) {
            prekeys.add(new OwnPrekey(stored.id(), cipher.open(stored.privateKey(), context(stored.id())),
                    stored.createdMillis()));
        }
        PrekeyRotation.Due due = PrekeyRotation.due(prekeys.stream()
                .map(prekey -> new PrekeyRotation.Made(prekey.id(), prekey.createdAtMillis())).toList(),
                clock.nowMillis());
        Optional<OwnPrekey> fresh = newPrekeyIfDue(due);
        store(connection, due, fresh);
        prekeys.removeIf(prekey -> due.forget().contains(prekey.id()));
        fresh.ifPresent(prekeys::add);
        prekeys.forEach(sessions::addPrekey);
        bundle = Bundles.own(self, prekeys.get(prekeys.size() - 1));
    }

    /** Replaces our prekey and forgets old ones when due; linked peers get the new bundle. */
    void rotateIfDue() {
        PrekeyRotation.Due due = PrekeyRotation.due(sessions.prekeysMade(), clock.nowMillis());
        if (due.nothing() || rotating) {
            return;
        }
        rotating = true;
        Optional<OwnPrekey> fresh = newPrekeyIfDue(due);
        storage.submit(connection -> {
            store(connection, due, fresh);
            return null;
        }).whenCompleteAsync((ignored, error) -> {
            rotating = false;
            if (error != null) {
                LOG.log(Level.SEVERE, "could not store a new prekey", error);
                return;
            }
            due.forget().forEach(sessions::removePrekey);
            fresh.ifPresent(prekey -> {
                sessions.addPrekey(prekey);
                bundle = Bundles.own(self, prekey);
                Frame frame = Frame.newBuilder().setPrekeyBundle(bundle).build();
                neighbours.linkedPeers().forEach(peer -> neighbours.send(peer, frame));
            });
        }, loop);
    }

    private Optional<OwnPrekey> newPrekeyIfDue(PrekeyRotation.Due due) {
        return due.replace()
                ? Optional.of(new OwnPrekey(due.newId(), X25519.generatePrivateKey(random), clock.nowMillis()))
                : Optional.empty();
    }

    private void store(Connection connection, PrekeyRotation.Due due, Optional<OwnPrekey> fresh) throws SQLException {
        for (int id : due.forget()) {
            PeerRows.deletePrekey(connection, id);
        }
        if (fresh.isPresent()) {
            OwnPrekey prekey = fresh.get();
            PeerRows.putPrekey(connection, new PeerRows.Prekey(prekey.id(),
                    cipher.seal(prekey.privateKey(), context(prekey.id())), prekey.createdAtMillis()));
        }
    }

    private static String context(int id) {
        return "prekey:" + id;
    }
}
