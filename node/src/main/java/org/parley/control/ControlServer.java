package org.parley.control;

import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;
import org.parley.api.ParleyApi;
import org.parley.store.ProfileHome;

/**
 * The daemon's local control API: gRPC on a loopback port, every call checked against the home's
 * owner-only token. The port and token are published in the home, where {@link ControlClient}
 * finds them.
 */
public final class ControlServer implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(ControlServer.class.getName());
    /** Requests are small; anything bigger is not from our client. */
    private static final int MAX_REQUEST_BYTES = 256 * 1024;

    private final Server server;
    private final ProfileHome home;

    private ControlServer(Server server, ProfileHome home) {
        this.server = server;
        this.home = home;
    }

    public static ControlServer start(ParleyApi api, ProfileHome home) throws IOException {
        ControlToken token = ControlToken.issue(home, new SecureRandom());
        Server server = NettyServerBuilder.forAddress(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
                .maxInboundMessageSize(MAX_REQUEST_BYTES)
                .addService(ServerInterceptors.intercept(new ControlService(api), new TokenCheck(token)))
                .build()
                .start();
        new ControlEndpoint(server.getPort(), ProcessHandle.current().pid()).publish(home);
        LOG.info(() -> "control API on loopback port " + server.getPort());
        return new ControlServer(server, home);
    }

    public int port() {
        return server.getPort();
    }

    /** Stops serving and removes the published endpoint and token. */
    @Override
    public void close() {
        try {
            ControlEndpoint.remove(home);
            ControlToken.remove(home);
        } catch (IOException e) {
            LOG.warning("could not remove the control files: " + e.getMessage());
        }
        server.shutdown();
        try {
            if (!server.awaitTermination(2, TimeUnit.SECONDS)) {
                server.shutdownNow();
            }
        } catch (InterruptedException e) {
            server.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }
}
