package org.parley.link;

import java.util.List;

/**
 * The transport seam: makes and accepts authenticated links. The real node uses
 * {@link org.parley.link.tls.TlsGrpcNetwork} (gRPC over mutual TLS 1.3); tests and the simulator
 * use {@link org.parley.link.memory.InMemoryNetwork}. Protocol code sees only this interface.
 */
public interface Network extends AutoCloseable {
    /** Starts accepting links; from now on every event goes to {@code listener}. */
    void start(LinkListener listener);

    /** Where this node accepts links (with the real port when the configured one was 0). */
    List<HostPort> listenAddresses();

    /** Dials; the outcome arrives as {@link LinkListener#linkUp} or {@link LinkListener#dialFailed}. */
    void dial(DialTarget target);

    /** Stops accepting and drops every link. */
    @Override
    void close();
}
