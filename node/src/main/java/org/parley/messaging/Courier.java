package org.parley.messaging;

import com.google.protobuf.ByteString;
import java.security.SecureRandom;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.BiConsumer;
import java.util.function.Predicate;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.parley.identity.Identity;
import org.parley.identity.PeerId;
import org.parley.link.Neighbours;
import org.parley.proto.wire.v1.Content;
import org.parley.proto.wire.v1.Frame;
import org.parley.runtime.Clock;
import org.parley.runtime.Scheduler;

/**
 * Sends what is not kept in the outbox (receipts, group control): encrypted by the ratchet and
 * sent once the session's new state is committed, or sealed outside the ratchet; over the peer's link, or, if it
 * has none, through its mailboxes. Notes when each peer was last encrypted to.
 */
final class Courier implements GroupSignalTransport {
    private static final Logger LOG = Logger.getLogger(Courier.class.getName());

    private final Identity self;
    private final Neighbours neighbours;
    private final Sessions sessions;
    private final SessionStorage sessionStorage;
    private final Sealing sealing;
    private final Scheduler loop;
    private final Clock clock;
    private final SecureRandom random;
    private final MessagingConfig config;
    private final BooleanSupplier stopped;
    /** Whether a peer knows us, so that mail to it waits at our pair address rather than at its own place. */
    private final Predicate<PeerId> knowsUs;
    private final EnvelopeVersions versions;
    /** Per peer: when we last encrypted anything to it, which decides how the next receipt goes. */
    private final Map<PeerId, Long> lastEncryptedTo = new HashMap<>();
    /** Where envelopes go when their peer has no link: the mailbox replicas, once the node wires them. */
    private BiConsumer<PeerId, org.parley.proto.wire.v1.WireEnvelope> offlineCarrier = (peer, envelope) -> { };

    Courier(Identity self, Neighbours neighbours, Sessions sessions, SessionStorage sessionStorage, Sealing sealing,
            Scheduler loop, Clock clock, SecureRandom random, MessagingConfig config, BooleanSupplier stopped,
            Predicate<PeerId> knowsUs, EnvelopeVersions versions) {
        this.self = self;
        this.neighbours = neighbours;
        this.sessions = sessions;
        this.sessionStorage = sessionStorage;
        this.sealing = sealing;
        this.loop = loop;
        this.clock = clock;
        this.random = random;
        this.config = config;
        this.stopped = stopped;
        this.knowsUs = knowsUs;
        this.versions = versions;
    }

    void carryOfflineWith(BiConsumer<PeerId, org.parley.proto.wire.v1.WireEnvelope> carrier) {
        this.offlineCarrier = carrier;
    }

    /** Encrypts for {@code peer}, noting when. */
    Optional<Sessions.Encrypted> encrypt(PeerId peer, byte[] content) {
        Optional<Sessions.Encrypted> encrypted = sessions.encrypt(peer, content);
        if (encrypted.isPresent()) {
            lastEncryptedTo.put(peer, clock.nowMillis());
        }
        return encrypted;
    }

    /**
     * The envelope version to seal for {@code peer} (decision 0047): the placed form, to wait at
     * our pair address, only when the peer is our contact and we heard from it on a session, so
     * that it has us among the peers whose addresses it picks up from, and reads it; otherwise
     * the highest version the peer said it reads. Asked on the loop, at encryption.
     */
    int versionFor(PeerId peer) {
        return versions.forPeer(peer, knowsUs.test(peer));
    }

    /** When we last encrypted anything to {@code peer}; null if never since start. */
    Long lastEncryptedTo(PeerId peer) {
        return lastEncryptedTo.get(peer);
    }

    /**
     * Encrypts {@code content} and sends it once the session's new state is committed; false when
     * we cannot encrypt for the peer.
     */
    boolean sendEncrypted(PeerId peer, byte[] content) {
        return sendEncrypted(peer, content, false);
    }

    /**
     * As {@link #sendEncrypted(PeerId, byte[])}, over a live link only: false when the peer has
     * none, and dropped if the link went down before the session's state was committed. For what
     * is worth nothing later (typing indicators).
     */
    boolean sendEncryptedLive(PeerId peer, byte[] content) {
        return neighbours.isConnected(peer) && sendEncrypted(peer, content, true);
    }

    private boolean sendEncrypted(PeerId peer, byte[] content, boolean liveOnly) {
        Optional<Sessions.Encrypted> encrypted = encrypt(peer, content);
        if (encrypted.isEmpty()) {
            return false;
        }
        long now = clock.nowMillis();
        byte[] payload = encrypted.get().message().toByteArray();
        int version = versionFor(peer);
        // Sealed with the storage work, off the loop on the real node.
        sessionStorage.submitWith(sessionStorage.snapshot(encrypted.get().change()),
                connection -> sealing.seal(peer, now, now + config.lifetime().toMillis(), payload, version))
                .whenCompleteAsync((envelope, error) -> {
                    if (error != null) {
                        LOG.log(Level.SEVERE, "could not store a session before sending", error);
                    } else if (liveOnly && !neighbours.isConnected(peer)) {
                        LOG.fine(() -> "dropped a live-only envelope to " + peer.shortForm() + ": its link went down");
                    } else {
                        deliver(peer, envelope);
                    }
                }, loop);
        return true;
    }

    /**
     * Sends {@code payload} sealed but outside the ratchet: the pair address authenticates it.
     * Sealed with the storage work, since the first envelope to a peer in an epoch pays its stamp.
     */
    void sendSealedOutsideRatchet(PeerId peer, byte[] payload) {
        long now = clock.nowMillis();
        int version = versionFor(peer);
        sessionStorage.submitWith(null,
                connection -> sealing.seal(peer, now, now + config.lifetime().toMillis(), payload, version))
                .whenCompleteAsync((envelope, error) -> {
                    if (error != null) {
                        LOG.log(Level.SEVERE, "could not seal an envelope", error);
                    } else {
                        deliver(peer, envelope);
                    }
                }, loop);
    }

    /** How this node seals and opens envelopes. */
    Sealing sealing() {
        return sealing;
    }

    /** Sends an envelope over the peer's link, or, if it has none, through its mailboxes. */
    private void deliver(PeerId peer, org.parley.proto.wire.v1.WireEnvelope envelope) {
        if (neighbours.isConnected(peer)) {
            neighbours.send(peer, Frame.newBuilder().setEnvelope(envelope).build());
        } else {
            offlineCarrier.accept(peer, envelope);
        }
    }

    @Override
    public boolean sendGroupSignal(PeerId peer, byte[] control) {
        return neighbours.isConnected(peer) && sendGroupSignalNowOrOffline(peer, control);
    }

    @Override
    public boolean carryGroupSignal(PeerId peer, byte[] control) {
        return !neighbours.isConnected(peer) && sendGroupSignalNowOrOffline(peer, control);
    }

    private boolean sendGroupSignalNowOrOffline(PeerId peer, byte[] control) {
        if (stopped.getAsBoolean() || peer.equals(self.peerId()) || !sessions.canEncryptFor(peer)) {
            return false;
        }
        return sendEncrypted(peer, Content.newBuilder()
                .setMessageId(ByteString.copyFrom(MessageId.random(random).bytes()))
                .setSentAtMs(clock.nowMillis())
                .setGroupSignal(ByteString.copyFrom(control))
                .build()
                .toByteArray());
    }
}
