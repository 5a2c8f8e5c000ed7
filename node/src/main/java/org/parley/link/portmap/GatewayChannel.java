package org.parley.link.portmap;

import java.io.Closeable;
import java.io.IOException;
import java.net.InetAddress;
import java.time.Duration;

/** Datagrams to and from the gateway's NAT-PMP/PCP port: the seam tests replace with scripted answers. */
interface GatewayChannel extends Closeable {
    /** This host's address on the way to the gateway (PCP names it in each request). */
    InetAddress localAddress();

    void send(byte[] datagram) throws IOException;

    /**
     * The next datagram from the gateway, at most {@link PcpCodec#MAX_LENGTH} + 1 bytes of it (so
     * that an oversized one shows), or null when none came within {@code timeout}.
     */
    byte[] receive(Duration timeout) throws IOException;

    @Override
    void close();
}
