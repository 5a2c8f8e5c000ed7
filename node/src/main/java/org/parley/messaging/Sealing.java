package org.parley.messaging;

import java.security.SecureRandom;
import org.parley.identity.Identity;
import org.parley.identity.PeerId;
import org.parley.proto.wire.v1.WireEnvelope;

/**
 * A node's envelopes, both ways: seals what it sends (version 2, {@link SealedEnvelope}) and
 * checks and opens what it receives (version 2, and version 1 from peers not yet sealing).
 * Holds the pair keys and the stamps found; safe from any thread, since envelopes are sealed in
 * the storage work and checked by the verifier.
 */
public final class Sealing {
    private final Identity self;
    private final PairAddresses pairs;
    private final Stamps stamps;
    private final BoxKeys boxes = new BoxKeys();
    private final SecureRandom random;
    private volatile java.util.function.Predicate<PeerId> known = peer -> false;
    private volatile java.util.Set<Integer> accepted = java.util.Set.copyOf(EnvelopeVersions.ALL);

    public Sealing(Identity self, int stampBits, SecureRandom random) {
        this.self = self;
        this.pairs = new PairAddresses(self);
        this.stamps = new Stamps(stampBits);
        this.random = random;
    }

    /**
     * Sets the work this node pays on what it seals and asks of envelopes from peers who are not
     * its contacts (message requests).
     */
    public void stampBits(int bits) {
        stamps.payBits(bits);
    }

    public int stampBits() {
        return stamps.bits();
    }

    /**
     * The peers the user knows (contacts and blocks; safe from any thread): their pair keys stay
     * derived, and only they may skip the first-contact work.
     */
    public void knowPeers(java.util.function.Predicate<PeerId> knownPeers) {
        this.known = knownPeers;
        pairs.pin(knownPeers);
    }

    public PairAddresses pairs() {
        return pairs;
    }

    /**
     * Seals {@code payload} to {@code recipient} as envelope {@code version}: 3 placed at our pair
     * address, 2 at the recipient's own place with the recipient named, 1 signed by our identity
     * with both of us in clear (only for a peer that reads nothing newer).
     */
    public WireEnvelope seal(PeerId recipient, long createdAtMillis, long expiresAtMillis, byte[] payload,
                             int version) {
        if (version == Envelope.VERSION) {
            return Envelope.create(self, recipient, createdAtMillis, expiresAtMillis, payload).toProto();
        }
        return SealedEnvelope.seal(self, pairs, stamps, boxes, recipient, createdAtMillis, expiresAtMillis, payload,
                version == SealedEnvelope.PLACED_VERSION, random);
    }

    /** Refuses, from now on, envelopes of versions not in {@code versions} (a test's node from before sealing). */
    void acceptOnly(java.util.Set<Integer> versions) {
        accepted = java.util.Set.copyOf(versions);
    }

    /**
     * Checks an envelope from the wire and opens it when sealed: fields, signature, time window,
     * then (version 2) the box and the sender's binding to the address. Whether it carries the
     * work asked of a first contact is noted, not required: only the intake knows who is a contact.
     */
    public EnvelopeCheck check(WireEnvelope proto, long nowMillis) {
        try {
            if (!accepted.contains(proto.getVersion())) {
                throw new EnvelopeException(org.parley.link.Misbehaviour.UNSUPPORTED_VERSION,
                        "envelope version " + proto.getVersion());
            }
            if (proto.getVersion() == Envelope.VERSION) {
                Envelope envelope = Envelope.verify(proto, nowMillis);
                return new EnvelopeCheck(envelope, envelope.id(), null, false);
            }
            SealedEnvelope.Outer outer = SealedEnvelope.check(proto, nowMillis, 0);
            if (!outer.placed() && !outer.recipient().equals(self.peerId())) {
                throw new EnvelopeException(org.parley.link.Misbehaviour.NOT_FOR_US, "envelope for " + outer.recipient());
            }
            boolean paid = Stamp.meets(proto.getRecipient().toByteArray(), outer.contributor().publicKey(),
                    PairAddresses.epochOf(outer.createdAtMillis()), proto.getStamp(), stamps.bits());
            // A placed envelope names no recipient: it is ours if the box opens and the sender
            // inside owns the address (open checks both). Unpaid work from a stranger is refused
            // before its pair key is derived.
            Envelope envelope = SealedEnvelope.open(self, pairs, boxes, proto, outer,
                    sender -> paid || known.test(sender));
            return new EnvelopeCheck(envelope, outer.id(), null, paid);
        } catch (EnvelopeException e) {
            return new EnvelopeCheck(null, null, e, false);
        }
    }
}
