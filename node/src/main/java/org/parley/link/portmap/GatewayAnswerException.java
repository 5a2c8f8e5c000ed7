package org.parley.link.portmap;

import java.io.IOException;

/**
 * A router's answer that cannot be used: malformed, from a protocol version it does not speak,
 * or a refusal with the router's reason. The message says which, for the log.
 */
public final class GatewayAnswerException extends IOException {
    private final boolean unsupportedVersion;

    GatewayAnswerException(String message) {
        this(message, false);
    }

    private GatewayAnswerException(String message, boolean unsupportedVersion) {
        super(message);
        this.unsupportedVersion = unsupportedVersion;
    }

    /** The router answered, but speaks another version of the protocol (a PCP request to a NAT-PMP router). */
    static GatewayAnswerException unsupportedVersion(String message) {
        return new GatewayAnswerException(message, true);
    }

    public boolean unsupportedVersion() {
        return unsupportedVersion;
    }
}
