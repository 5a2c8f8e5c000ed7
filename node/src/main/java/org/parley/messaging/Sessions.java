package org.parley.messaging;

import com.google.protobuf.ByteString;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.parley.crypto.X25519;
import org.parley.crypto.ratchet.DoubleRatchet;
import org.parley.crypto.ratchet.RatchetException;
import org.parley.crypto.ratchet.RatchetHeader;
import org.parley.identity.Identity;
import org.parley.identity.PeerId;
import org.parley.link.Misbehaviour;
import org.parley.proto.wire.v1.RatchetMessage;
import org.parley.proto.wire.v1.SessionStart;

/**
 * Our encrypted sessions with every peer, and the rule that picks the one we send on. A peer may
 * have several (both sides started one at the same moment; one side lost its state and started
 * over); every one of them can still open messages, but only the active one encrypts.
 *
 * <p>The rule, which both sides reach without talking: a session the other side started replaces
 * our active one, unless ours is one we started, have not heard back on, and our peer ID is the
 * smaller. In a simultaneous start, the session started by the smaller peer ID therefore wins on
 * both sides; in every other case the newest start wins.
 */
final class Sessions {
    /**
     * Sessions kept per peer. A peer that starts over and over (or a hostile one that sends a
     * fresh session start with every message) would otherwise grow our memory and database
     * without bound; beyond this the least recently used session that is not the active one goes.
     */
    static final int MAX_PER_PEER = 8;

    /**
     * A session that changed and must be stored before anything it produced leaves the node,
     * with the IDs of the peer's sessions it pushed out, to be deleted in the same transaction.
     */
    record Changed(PeerId peer, Session session, boolean active, List<byte[]> dropped) {
    }

    record Encrypted(RatchetMessage message, Changed change) {
    }

    record Decrypted(byte[] plaintext, Changed change) {
    }

    private final Identity self;
    private final SecureRandom random;
    private final Map<PeerId, PeerSessions> byPeer = new HashMap<>();
    private final Map<PeerId, Bundles.Verified> bundles = new HashMap<>();
    private final Map<Integer, OwnPrekey> prekeys = new HashMap<>();

    Sessions(Identity self, SecureRandom random) {
        this.self = self;
        this.random = random;
    }

    void addPrekey(OwnPrekey prekey) {
        prekeys.put(prekey.id(), prekey);
    }

    /** Forgets a replaced prekey: session starts made on it no longer open. */
    void removePrekey(int id) {
        prekeys.remove(id);
    }

    /** Our prekeys, as the rotation schedule sees them. */
    List<PrekeyRotation.Made> prekeysMade() {
        return prekeys.values().stream().map(prekey -> new PrekeyRotation.Made(prekey.id(), prekey.createdAtMillis()))
                .toList();
    }

    /** Records a peer's bundle; true when it is new or changed. */
    boolean putBundle(Bundles.Verified bundle) {
        Bundles.Verified previous = bundles.put(bundle.owner(), bundle);
        return previous == null || previous.prekeyId() != bundle.prekeyId()
                || !java.util.Arrays.equals(previous.prekey(), bundle.prekey());
    }

    boolean hasBundle(PeerId peer) {
        return bundles.containsKey(peer);
    }

    void load(PeerId peer, Session session, boolean active) {
        PeerSessions sessions = byPeer.computeIfAbsent(peer, p -> new PeerSessions());
        sessions.all.put(ByteString.copyFrom(session.id), session);
        if (active) {
            sessions.active = session;
        }
    }

    /** Whether we could encrypt to {@code peer} now. */
    boolean canEncryptFor(PeerId peer) {
        PeerSessions sessions = byPeer.get(peer);
        return (sessions != null && sessions.active != null && sessions.active.ratchet.canSend())
                || bundles.containsKey(peer);
    }

    /** Encrypts for {@code peer}, starting a session from its bundle if need be; empty when we cannot. */
    Optional<Encrypted> encrypt(PeerId peer, byte[] plaintext) {
        PeerSessions sessions = byPeer.computeIfAbsent(peer, p -> new PeerSessions());
        List<byte[]> dropped = List.of();
        if (sessions.active == null || !sessions.active.ratchet.canSend()) {
            Bundles.Verified bundle = bundles.get(peer);
            if (bundle == null) {
                return Optional.empty();
            }
            X3dh.Start start = X3dh.initiate(self, bundle, random);
            DoubleRatchet ratchet = DoubleRatchet.initiator(start.sharedKey(), bundle.prekey(), start.associatedData(),
                    random);
            SessionStart announcement = SessionStart.newBuilder()
                    .setAgreementKey(ByteString.copyFrom(self.agreementPublicKey()))
                    .setAgreementSignature(ByteString.copyFrom(self.agreementSignature()))
                    .setEphemeralKey(ByteString.copyFrom(start.ephemeralPublic()))
                    .setSignedPrekeyId(bundle.prekeyId())
                    .build();
            Session session = new Session(sessionId(start.ephemeralPublic()), ratchet, true, false, announcement);
            sessions.active = session;
            dropped = sessions.admit(session);
        }
        Session active = sessions.active;
        active.wrote = true;
        DoubleRatchet.Sealed sealed = active.ratchet.encrypt(plaintext);
        RatchetMessage.Builder message = RatchetMessage.newBuilder()
                .setSessionId(ByteString.copyFrom(active.id))
                .setRatchetKey(ByteString.copyFrom(sealed.header().ratchetKey()))
                .setPreviousChainLength(sealed.header().previousChainLength())
                .setMessageNumber(sealed.header().messageNumber())
                .setCiphertext(ByteString.copyFrom(sealed.ciphertext()));
        if (active.start != null) {
            message.setStart(active.start);
        }
        return Optional.of(new Encrypted(message.build(), new Changed(peer, active, true, dropped)));
    }

    /**
     * Opens a message from {@code sender}, on the session it names or on a new one it starts.
     * A failure leaves every session as it was.
     */
    Decrypted decrypt(PeerId sender, RatchetMessage message) throws EnvelopeException {
        PeerSessions sessions = byPeer.computeIfAbsent(sender, p -> new PeerSessions());
        Session session = sessions.all.get(message.getSessionId());
        boolean fresh = false;
        if (session == null) {
            if (!message.hasStart()) {
                throw new EnvelopeException(Misbehaviour.UNDECRYPTABLE, "message on a session we do not have");
            }
            session = respond(sender, message);
            fresh = true;
        }
        byte[] plaintext;
        try {
            plaintext = session.ratchet.decrypt(new RatchetHeader(message.getRatchetKey().toByteArray(),
                    message.getPreviousChainLength(), message.getMessageNumber()), message.getCiphertext().toByteArray());
        } catch (RatchetException e) {
            throw new EnvelopeException(Misbehaviour.UNDECRYPTABLE, e.getMessage());
        }
        session.heardFrom();
        List<byte[]> dropped = List.of();
        if (fresh) {
            if (sessions.active == null || !(sessions.active.initiatedByUs && !sessions.active.confirmed
                    && self.peerId().compareTo(sender) < 0)) {
                sessions.active = session;
            }
            dropped = sessions.admit(session);
        }
        return new Decrypted(plaintext, new Changed(sender, session, sessions.active == session, dropped));
    }

    private Session respond(PeerId sender, RatchetMessage message) throws EnvelopeException {
        SessionStart start = message.getStart();
        byte[] agreementKey = start.getAgreementKey().toByteArray();
        byte[] ephemeral = start.getEphemeralKey().toByteArray();
        if (agreementKey.length != X25519.KEY_SIZE || ephemeral.length != X25519.KEY_SIZE
                || !message.getSessionId().equals(ByteString.copyFrom(sessionId(ephemeral)))) {
            throw new EnvelopeException(Misbehaviour.MALFORMED, "malformed session start");
        }
        if (!org.parley.identity.Identity.verifyAgreementKey(sender, agreementKey,
                start.getAgreementSignature().toByteArray())) {
            throw new EnvelopeException(Misbehaviour.FORGED, "session start with an agreement key not the sender's");
        }
        OwnPrekey prekey = prekeys.get(start.getSignedPrekeyId());
        if (prekey == null) {
            throw new EnvelopeException(Misbehaviour.UNDECRYPTABLE, "session start for a prekey we do not have");
        }
        try {
            X3dh.Start derived = X3dh.respond(self, prekey.privateKey(), sender, agreementKey, ephemeral);
            DoubleRatchet ratchet = DoubleRatchet.responder(derived.sharedKey(), prekey.privateKey(),
                    derived.associatedData(), random);
            return new Session(sessionId(ephemeral), ratchet, false, true, null);
        } catch (IllegalArgumentException e) {
            throw new EnvelopeException(Misbehaviour.MALFORMED, "session start with an unusable key");
        }
    }

    /** A session's ID: a hash of the initiator's ephemeral key, which no other session shares. */
    static byte[] sessionId(byte[] ephemeralPublic) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            digest.update(ByteBuffer.wrap("parley-session-id-v1:".getBytes(java.nio.charset.StandardCharsets.US_ASCII)));
            return java.util.Arrays.copyOf(digest.digest(ephemeralPublic), 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java has SHA-256", e);
        }
    }

    /**
     * Whether a message of {@code peer}'s ever opened on one of our sessions with it (a session it
     * started, or ours it answered): then it holds a session with us too.
     */
    boolean heardFrom(PeerId peer) {
        PeerSessions sessions = byPeer.get(peer);
        return sessions != null && sessions.all.values().stream().anyMatch(session -> session.confirmed);
    }

    /**
     * The peers we have sent to on a session: those that may hear from us, and so place their mail
     * for us at our pair address (decision 0047).
     */
    List<PeerId> wroteTo() {
        return byPeer.entrySet().stream()
                .filter(entry -> entry.getValue().all.values().stream().anyMatch(session -> session.wrote))
                .map(Map.Entry::getKey).toList();
    }

    /** How many sessions we keep with {@code peer}. */
    int count(PeerId peer) {
        PeerSessions sessions = byPeer.get(peer);
        return sessions == null ? 0 : sessions.all.size();
    }

    private static final class PeerSessions {
        /** In order of use, least recent first: looking a session up counts as using it. */
        final Map<ByteString, Session> all = new LinkedHashMap<>(16, 0.75f, true);
        Session active;

        /** Adds a new session; returns the IDs of those it pushed out. */
        List<byte[]> admit(Session session) {
            all.put(ByteString.copyFrom(session.id), session);
            List<byte[]> dropped = new ArrayList<>();
            Iterator<Session> oldestFirst = all.values().iterator();
            while (all.size() > MAX_PER_PEER && oldestFirst.hasNext()) {
                Session candidate = oldestFirst.next();
                if (candidate != active && candidate != session) {
                    oldestFirst.remove();
                    dropped.add(candidate.id);
                }
            }
            return dropped;
        }
    }
}
