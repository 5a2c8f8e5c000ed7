package org.parley.overlay.discovery;

import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;
import org.parley.identity.Identity;
import org.parley.identity.PeerId;
import org.parley.overlay.record.PeerRecord;
import org.parley.proto.wire.v1.PrekeyBundle;
import org.parley.runtime.Clock;

/**
 * This node's own signed record, renewed at half its lifetime or when what it says changes.
 * Sequence numbers come from the wall clock (never below the last one used), so they keep rising
 * across restarts without being stored.
 */
final class OwnRecord {
    private final Identity identity;
    private final Clock clock;
    private final Duration lifetime;
    private final Supplier<List<String>> addresses;
    private final Supplier<PrekeyBundle> bundle;
    private List<PeerId> relays = List.of();
    private List<PeerId> linkRelays = List.of();
    private PeerRecord current;
    private long lastSequence;

    OwnRecord(Identity identity, Clock clock, Duration lifetime, Supplier<List<String>> addresses,
              Supplier<PrekeyBundle> bundle) {
        this.identity = identity;
        this.clock = clock;
        this.lifetime = lifetime;
        this.addresses = addresses;
        this.bundle = bundle;
    }

    /** The contacts relaying our mail, named from the next renewal on (which this change makes due). */
    void relays(List<PeerId> accepted) {
        relays = List.copyOf(accepted);
    }

    /** The peers holding a reservation for us, named from the next renewal on (which this change makes due). */
    void linkRelays(List<PeerId> reserved) {
        linkRelays = List.copyOf(reserved);
    }

    /** The record to announce now, renewed first if it is due. */
    PeerRecord current() {
        long now = clock.nowMillis();
        List<String> announced = addresses.get();
        PrekeyBundle announcedBundle = bundle.get();
        boolean stale = current == null
                || now >= current.createdAtMillis() + lifetime.toMillis() / 2
                || !current.addresses().stream().map(Object::toString).toList().equals(announced)
                || !current.bundle().equals(announcedBundle)
                || !current.relays().equals(relays)
                || !current.linkRelays().equals(linkRelays);
        if (stale) {
            lastSequence = Math.max(lastSequence + 1, now);
            current = PeerRecord.create(identity, announced, lastSequence, now, lifetime.toMillis(), announcedBundle,
                    relays, linkRelays);
        }
        return current;
    }
}
