package org.parley.control;

import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.ServerInterceptors;
import io.grpc.protobuf.services.ProtoReflectionServiceV1;
import io.grpc.protobuf.services.HealthStatusManager;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Logger;
import org.parley.api.ParleyApi;
import org.parley.proto.control.v1.ControlGrpc;
import org.parley.store.ProfileHome;

/**
 * The daemon's local control API: gRPC on the home's Unix domain socket ({@code control.sock},
 * in the owner-only home) or, when asked, on a loopback port; every call to the {@code Control}
 * service checked against the home's owner-only token. Beside it: gRPC server reflection and the
 * standard health service, so stock tools work. The endpoint and token are published in the
 * home, where {@link ControlClient} finds them. On the socket transport the same service also
 * answers the command line's socket ({@link LocalCallServer}), through an in-process channel.
 */
public final class ControlServer implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(ControlServer.class.getName());
    /** Requests are small; anything bigger is not from our client. */
    private static final int MAX_REQUEST_BYTES = 256 * 1024;
    private static final int SOCKET_THREADS = 2;
    /** Names the in-process servers of the control servers one JVM runs (tests run several). */
    private static final AtomicLong IN_PROCESS_NAMES = new AtomicLong();

    private final Server server;
    private final ProfileHome home;
    private final ControlTransport transport;
    private final ControlEndpoint endpoint;
    private final HealthStatusManager health;
    /** The command line's socket and what it hands calls to; null on the loopback transport. */
    private final CliSide cli;

    private ControlServer(Server server, ProfileHome home, ControlTransport transport, ControlEndpoint endpoint,
                          HealthStatusManager health, CliSide cli) {
        this.server = server;
        this.home = home;
        this.transport = transport;
        this.endpoint = endpoint;
        this.health = health;
        this.cli = cli;
    }

    /** The command line's socket, its in-process server and the channel between them. */
    private record CliSide(LocalCallServer socket, Server inProcess, ManagedChannel channel) {
        static CliSide start(ServerServiceDefinition control, ProfileHome home) throws IOException {
            String name = "parley-control-" + IN_PROCESS_NAMES.incrementAndGet();
            Server inProcess = InProcessServerBuilder.forName(name).addService(control).build().start();
            ManagedChannel channel = InProcessChannelBuilder.forName(name).build();
            try {
                return new CliSide(LocalCallServer.start(home.cliSocket(), channel), inProcess, channel);
            } catch (IOException | RuntimeException e) {
                channel.shutdownNow();
                inProcess.shutdownNow();
                throw e;
            }
        }

        void close() {
            socket.close();
            channel.shutdownNow();
            inProcess.shutdownNow();
        }
    }

    /** Serves {@code api} on the home's control socket. */
    public static ControlServer start(ParleyApi api, ProfileHome home) throws IOException {
        ControlTransport transport = ControlTransport.forSocket(SOCKET_THREADS);
        try {
            // The daemon lock says no other daemon serves this home: a socket left here is a dead one's.
            Files.deleteIfExists(home.controlSocket());
            return start(api, home, transport, ControlEndpoint.socket(ProcessHandle.current().pid()));
        } catch (IOException | RuntimeException e) {
            transport.close();
            throw e;
        }
    }

    /**
     * Serves {@code api} on a loopback port instead: for platforms without domain sockets. Any
     * local user can connect to the port (the token still keeps them out), and a client can check
     * less about who listens there than on the socket (decision record 0035).
     */
    public static ControlServer startOnLoopback(ParleyApi api, ProfileHome home) throws IOException {
        return start(api, home, ControlTransport.forLoopback(), ControlEndpoint.loopback(0,
                ProcessHandle.current().pid()));
    }

    private static ControlServer start(ParleyApi api, ProfileHome home, ControlTransport transport,
                                       ControlEndpoint requested) throws IOException {
        ControlToken token = ControlToken.issue(home, new SecureRandom());
        HealthStatusManager health = new HealthStatusManager();
        ServerServiceDefinition control = ServerInterceptors.intercept(new ControlService(api), new TokenCheck(token));
        Server server = transport.server(requested, home.controlSocket())
                .maxInboundMessageSize(MAX_REQUEST_BYTES)
                .addService(control)
                .addService(ProtoReflectionServiceV1.newInstance())
                .addService(health.getHealthService())
                .build()
                .start();
        ControlEndpoint endpoint = requested.onSocket() ? requested
                : ControlEndpoint.loopback(server.getPort(), requested.pid());
        if (endpoint.onSocket()) {
            Files.setPosixFilePermissions(home.controlSocket(), PosixFilePermissions.fromString("rw-------"));
        }
        CliSide cli = null;
        if (endpoint.onSocket()) {
            try {
                cli = CliSide.start(control, home);
            } catch (IOException | RuntimeException e) {
                server.shutdownNow();
                throw e;
            }
        }
        health.setStatus(ControlGrpc.SERVICE_NAME, io.grpc.health.v1.HealthCheckResponse.ServingStatus.SERVING);
        endpoint.publish(home);
        LOG.info(() -> endpoint.onSocket() ? "control API on " + home.controlSocket()
                : "control API on loopback port " + endpoint.port());
        return new ControlServer(server, home, transport, endpoint, health, cli);
    }

    /** The loopback port, for a server started on one; 0 on the socket. */
    public int port() {
        return endpoint.port();
    }

    /** A channel to this server, for tests that speak the protocol below {@link ControlClient}. */
    io.grpc.ManagedChannel channel() throws IOException {
        return transport.channel(endpoint, home.controlSocket());
    }

    /** Stops serving and removes the published endpoint, socket and token. */
    @Override
    public void close() {
        health.enterTerminalState();
        try {
            ControlEndpoint.remove(home);
            ControlToken.remove(home);
        } catch (IOException e) {
            LOG.warning("could not remove the control files: " + e.getMessage());
        }
        if (cli != null) {
            cli.close();
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
        transport.close();
        try {
            if (endpoint.onSocket()) {
                Files.deleteIfExists(home.controlSocket());
            }
        } catch (IOException e) {
            LOG.warning("could not remove the control socket: " + e.getMessage());
        }
    }
}
