package org.parley.link.relay;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import org.parley.identity.PeerId;
import org.parley.runtime.Rng;

/**
 * Which relays a private node asks for reservations, and how many. Two or three relays let a peer
 * reach us while one of them is away.
 *
 * <p>Without randomness ({@link #RelayChoice(int)}): the neighbours that offered to relay, in the
 * order they offered (the longest-standing links first), then public peers learned of. With it
 * ({@link #spread}): uniformly among both, so that private nodes spread over all public peers
 * rather than crowd onto the few every node links to first (the bootstrap peers), which would
 * run out of reservations and carry every relayed byte.
 */
public final class RelayChoice {
    private final int wanted;
    private final Rng rng;

    public RelayChoice(int wanted) {
        this(wanted, null);
    }

    private RelayChoice(int wanted, Rng rng) {
        if (wanted < 1 || wanted > RelayClient.MAX_RELAYS) {
            throw new IllegalArgumentException("a node keeps 1 to " + RelayClient.MAX_RELAYS + " relays, not " + wanted);
        }
        this.wanted = wanted;
        this.rng = rng;
    }

    public static RelayChoice defaults() {
        return new RelayChoice(2);
    }

    /** {@code wanted} relays, each drawn uniformly from everyone that could be one. */
    public static RelayChoice spread(int wanted, Rng rng) {
        return new RelayChoice(wanted, java.util.Objects.requireNonNull(rng, "rng"));
    }

    public int wanted() {
        return wanted;
    }

    /** The next relay to ask, among {@code candidates} in the order they offered, given how many we hold or asked. */
    public Optional<PeerId> next(Collection<PeerId> candidates, int heldOrAsked) {
        return next(candidates, List.of(), heldOrAsked);
    }

    /**
     * The next relay to ask, among the neighbours that {@code offered} (in the order they did) and
     * public peers {@code learned} of (not linked: asking one means dialling it first), given how
     * many we hold, asked or are dialling.
     */
    public Optional<PeerId> next(Collection<PeerId> offered, Collection<PeerId> learned, int heldOrAsked) {
        if (heldOrAsked >= wanted) {
            return Optional.empty();
        }
        if (rng == null) {
            return offered.stream().findFirst().or(() -> learned.stream().findFirst());
        }
        List<PeerId> all = new ArrayList<>(offered.size() + learned.size());
        all.addAll(offered);
        all.addAll(learned);
        return all.isEmpty() ? Optional.empty() : Optional.of(all.get((int) rng.nextLong(all.size())));
    }
}
