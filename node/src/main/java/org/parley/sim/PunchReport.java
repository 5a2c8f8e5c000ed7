package org.parley.sim;

import java.util.Locale;
import org.parley.link.Direction;
import org.parley.link.PeerInfo;
import org.parley.link.punch.PunchTally;

/**
 * Hole punching in a run of whole nodes with NATs ({@code --unreachable}): the attempts the nodes
 * started (each counted once, at its initiator, over every incarnation of every node) and the
 * share of the ended ones that gave a punched link; the relayed and punched links that came up
 * during the run; and how the links open at its end travel. Each link is counted once, at its
 * dialling end. Deterministic for a seed.
 *
 * @param holePunchAttempts attempts started
 * @param holePunchSucceeded of those, how many ended in a punched link
 * @param holePunchSuccess succeeded over ended (succeeded or failed); 0 when none ended
 * @param relayedLinksOpened links through a relay's circuit that came up during the run
 * @param holePunchedLinksOpened links over a punched hole that came up during the run
 * @param holePunchedBetweenNats of those, how many had a NAT at both ends (the others have a
 *     public node at one end, which any NAT type can punch to)
 * @param links links open at the end
 * @param directLinkShare of those, the share dialled straight to a public node
 * @param relayedLinkShare the share carried through a relay's circuit
 * @param holePunchedLinkShare the share over a punched hole
 */
public record PunchReport(long holePunchAttempts, long holePunchSucceeded, double holePunchSuccess,
                          long relayedLinksOpened, long holePunchedLinksOpened, long holePunchedBetweenNats,
                          long links, double directLinkShare, double relayedLinkShare, double holePunchedLinkShare) {

    /** Adds up what the nodes tallied, the links that came up, and the links open at the end. */
    static final class Counter {
        private PunchTally tally = PunchTally.NONE;
        private long relayedOpened;
        private long punchedOpened;
        private long punchedBetweenNats;
        private long direct;
        private long relayed;
        private long punched;

        /** A counter that goes on from this one's counts. */
        Counter copy() {
            Counter copy = new Counter();
            copy.tally = tally;
            copy.relayedOpened = relayedOpened;
            copy.punchedOpened = punchedOpened;
            copy.punchedBetweenNats = punchedBetweenNats;
            copy.direct = direct;
            copy.relayed = relayed;
            copy.punched = punched;
            return copy;
        }

        void tally(PunchTally more) {
            tally = tally.plus(more);
        }

        /** A link came up at a node; {@code bothBehindNats} when neither end is public. */
        void opened(PeerInfo peer, boolean bothBehindNats) {
            if (peer.direction() != Direction.OUTBOUND) {
                return;
            }
            switch (peer.path()) {
                case DIRECT -> { }
                case RELAYED -> relayedOpened++;
                case HOLE_PUNCHED -> {
                    punchedOpened++;
                    if (bothBehindNats) {
                        punchedBetweenNats++;
                    }
                }
            }
        }

        /** A link open at the end of the run. */
        void open(PeerInfo peer) {
            if (peer.direction() != Direction.OUTBOUND) {
                return;
            }
            switch (peer.path()) {
                case DIRECT -> direct++;
                case RELAYED -> relayed++;
                case HOLE_PUNCHED -> punched++;
            }
        }

        PunchReport report() {
            long links = direct + relayed + punched;
            return new PunchReport(tally.attempts(), tally.succeeded(), tally.successRatio(), relayedOpened,
                    punchedOpened, punchedBetweenNats, links, share(direct, links), share(relayed, links),
                    share(punched, links));
        }

        private static double share(long part, long whole) {
            return whole == 0 ? 0 : (double) part / whole;
        }
    }

    public String toText() {
        return String.format(Locale.ROOT,
                "hole punches               %d, %d succeeded (%.4f of those ended)%n"
                        + "links opened relayed / punched %d / %d (%d punched between two NATs)%n"
                        + "links at end direct / relayed / punched %.4f / %.4f / %.4f (%d links)",
                holePunchAttempts, holePunchSucceeded, holePunchSuccess, relayedLinksOpened, holePunchedLinksOpened,
                holePunchedBetweenNats, directLinkShare, relayedLinkShare, holePunchedLinkShare, links);
    }
}
