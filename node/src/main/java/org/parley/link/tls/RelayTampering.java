package org.parley.link.tls;

import com.google.protobuf.ByteString;
import org.parley.identity.PeerId;

/**
 * How a hostile relay departs from the protocol, for tests that prove the link inside a circuit
 * survives none of it: splicing to another peer than the one asked for, answering the circuit
 * itself (terminating TLS with its own identity), or changing the bytes it carries. An honest
 * relay uses {@link #NONE}.
 */
interface RelayTampering {
    RelayTampering NONE = new RelayTampering() {
    };

    /** The peer the relay offers the circuit to, when asked for {@code asked}. */
    default PeerId target(PeerId asked) {
        return asked;
    }

    /** Whether the relay answers every circuit itself instead of offering it to anyone. */
    default boolean terminatesItself() {
        return false;
    }

    /** The bytes the relay passes on for {@code data}. */
    default ByteString carry(ByteString data) {
        return data;
    }
}
