package org.parley.link.relay;

import java.util.Collection;
import java.util.Optional;
import org.parley.identity.PeerId;

/**
 * Which relays a private node asks for reservations, and how many. For now: the neighbours that
 * offered to relay, in the order they offered (the longest-standing links first), until
 * {@link #wanted} hold one. Two or three relays let a peer reach us while one of them is away.
 */
public final class RelayChoice {
    private final int wanted;

    public RelayChoice(int wanted) {
        if (wanted < 1 || wanted > RelayClient.MAX_RELAYS) {
            throw new IllegalArgumentException("a node keeps 1 to " + RelayClient.MAX_RELAYS + " relays, not " + wanted);
        }
        this.wanted = wanted;
    }

    public static RelayChoice defaults() {
        return new RelayChoice(2);
    }

    public int wanted() {
        return wanted;
    }

    /** The next relay to ask, among {@code candidates} in the order they offered, given how many we hold or asked. */
    public Optional<PeerId> next(Collection<PeerId> candidates, int heldOrAsked) {
        if (heldOrAsked >= wanted) {
            return Optional.empty();
        }
        return candidates.stream().findFirst();
    }
}
