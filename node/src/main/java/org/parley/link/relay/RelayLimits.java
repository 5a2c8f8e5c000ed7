package org.parley.link.relay;

import java.time.Duration;

/**
 * What a relay gives away. A relay spends its own bandwidth on others' links, so every grant is
 * bounded: how many peers may hold a reservation, how many circuits run at once (in all and per
 * peer), and how many bytes, how fast and how long one circuit may carry.
 *
 * @param enabled whether this node relays at all (public nodes do by default; {@code --no-relay} turns it off)
 * @param maxReservations peers that may hold a reservation at once
 * @param reservationLifetime how long a reservation lasts unless renewed; it also ends with the link
 * @param maxCircuits circuits running at once, in all
 * @param maxCircuitsPerPeer circuits running at once that one peer dials or answers
 * @param bytesPerSecond the rate of one circuit, both directions together
 * @param maxCircuitBytes what one circuit may carry in all before it is closed
 * @param maxCircuitDuration how long one circuit may last before it is closed
 * @param answerTimeout how long a circuit waits for the reserved peer to answer the offer
 */
public record RelayLimits(boolean enabled, int maxReservations, Duration reservationLifetime, int maxCircuits,
                          int maxCircuitsPerPeer, long bytesPerSecond, long maxCircuitBytes,
                          Duration maxCircuitDuration, Duration answerTimeout) {
    public RelayLimits {
        if (maxReservations < 0 || maxCircuits < 0 || maxCircuitsPerPeer < 0 || bytesPerSecond <= 0
                || maxCircuitBytes <= 0 || reservationLifetime.isNegative() || reservationLifetime.isZero()
                || maxCircuitDuration.isNegative() || maxCircuitDuration.isZero() || answerTimeout.isNegative()
                || answerTimeout.isZero()) {
            throw new IllegalArgumentException("relay limits must be positive");
        }
    }

    /**
     * Generous enough for chat (a link carries small frames; 256 KiB/s is thousands of messages a
     * second), small enough that a relay on a home uplink serves a few dozen peers. A circuit that
     * reaches its bytes or duration is closed; the link layer dials a new one.
     */
    public static RelayLimits defaults() {
        return new RelayLimits(true, 32, Duration.ofMinutes(10), 32, 4, 256 * 1024, 128L * 1024 * 1024,
                Duration.ofMinutes(30), Duration.ofSeconds(10));
    }

    /** These limits with relaying off: the node still uses relays itself, it only serves none. */
    public RelayLimits disabled() {
        return new RelayLimits(false, maxReservations, reservationLifetime, maxCircuits, maxCircuitsPerPeer,
                bytesPerSecond, maxCircuitBytes, maxCircuitDuration, answerTimeout);
    }

    public RelayLimits withReservations(int reservations) {
        return new RelayLimits(enabled, reservations, reservationLifetime, maxCircuits, maxCircuitsPerPeer,
                bytesPerSecond, maxCircuitBytes, maxCircuitDuration, answerTimeout);
    }

    public RelayLimits withCircuits(int circuits, int perPeer) {
        return new RelayLimits(enabled, maxReservations, reservationLifetime, circuits, perPeer, bytesPerSecond,
                maxCircuitBytes, maxCircuitDuration, answerTimeout);
    }

    public RelayLimits withCircuitBudget(long rate, long bytes, Duration duration) {
        return new RelayLimits(enabled, maxReservations, reservationLifetime, maxCircuits, maxCircuitsPerPeer, rate,
                bytes, duration, answerTimeout);
    }
}
