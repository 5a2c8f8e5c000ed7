package org.parley.overlay.dht;

import java.util.Objects;
import org.parley.identity.PeerId;
import org.parley.link.HostPort;

/**
 * A peer as the DHT knows it: who it is, where it sits in the key space, where to dial it, and
 * when this node last heard from it. The key is always derived from the peer ID, never taken from
 * the wire, so nobody can claim a position in the key space that their identity does not hash to.
 */
public final class Contact {
    private final PeerId peer;
    private final DhtKey key;
    private final HostPort address;
    private final long lastSeenMillis;
    /**
     * Where the peer's direct link last came from, as our transport saw it; null when it never had
     * one. The Sybil limits count this rather than {@link #address}, which its record claims.
     */
    private final HostPort seenFrom;
    /** The counted address's network block, worked out when first needed: the table's limits ask for it on every insertion. */
    private NetworkPrefix prefix;

    /** For callers that already hashed the peer ID; {@code key} must be {@code DhtKey.ofPeer(peer)}. */
    Contact(PeerId peer, DhtKey key, HostPort address, long lastSeenMillis) {
        this(peer, key, address, lastSeenMillis, null);
    }

    /** With {@code seenFrom} where its direct link comes from (null: it has had none). */
    Contact(PeerId peer, DhtKey key, HostPort address, long lastSeenMillis, HostPort seenFrom) {
        this.peer = Objects.requireNonNull(peer, "peer");
        this.key = key;
        this.address = Objects.requireNonNull(address, "address");
        this.lastSeenMillis = lastSeenMillis;
        this.seenFrom = seenFrom;
    }

    public static Contact of(PeerId peer, HostPort address, long lastSeenMillis) {
        return new Contact(peer, DhtKey.ofPeer(peer), address, lastSeenMillis);
    }

    public PeerId peer() {
        return peer;
    }

    public DhtKey key() {
        return key;
    }

    public HostPort address() {
        return address;
    }

    /** Wall time in milliseconds when this node last heard from the peer. */
    public long lastSeenMillis() {
        return lastSeenMillis;
    }

    /** The same peer, heard from at {@code millis} (the key is reused rather than hashed again). */
    public Contact seenAt(long millis, HostPort currentAddress) {
        return seenAt(millis, currentAddress, seenFrom);
    }

    /** The same peer, heard from at {@code millis}, its direct link coming from {@code linkFrom} (null: none). */
    Contact seenAt(long millis, HostPort currentAddress, HostPort linkFrom) {
        Contact seen = new Contact(peer, key, currentAddress, millis, linkFrom);
        if (seen.counted().equals(counted())) {
            seen.prefix = prefix;
        }
        return seen;
    }

    /** Where its direct link last came from; null when it has had none. */
    HostPort seenFrom() {
        return seenFrom;
    }

    /**
     * The network block the Sybil limits count it in: that of the address its direct link came
     * from, else (never linked directly) that of the address its record gives.
     */
    NetworkPrefix prefix() {
        if (prefix == null) {
            prefix = NetworkPrefix.of(counted());
        }
        return prefix;
    }

    private HostPort counted() {
        return seenFrom != null ? seenFrom : address;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Contact contact && peer.equals(contact.peer) && address.equals(contact.address)
                && lastSeenMillis == contact.lastSeenMillis;
    }

    @Override
    public int hashCode() {
        return Objects.hash(peer, address, lastSeenMillis);
    }

    @Override
    public String toString() {
        return peer.shortForm() + "@" + address;
    }
}
