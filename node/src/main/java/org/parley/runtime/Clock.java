package org.parley.runtime;

/**
 * The only source of time for protocol code. The real node reads the system clock; tests and the
 * simulator drive a virtual one, so every timeout and backoff is reproducible.
 */
public interface Clock {
    /** Milliseconds since the Unix epoch (wall time: used for record expiry and display). */
    long nowMillis();

    /** A monotonic reading in nanoseconds, for measuring intervals only. */
    long monotonicNanos();
}
