package org.parley.link;

import java.net.InetAddress;
import java.net.ServerSocket;
import org.parley.identity.Identity;
import org.parley.link.tls.TlsGrpcNetwork;
import org.parley.runtime.EventLoop;

/** The daemon's network, gRPC over mutual TLS on loopback sockets, held to the contract. */
class TlsGrpcNetworkContractTest extends NetworkContractTest {
    @Override
    protected Network newNetwork(Identity identity, LinkConfig config, EventLoop loop) {
        return new TlsGrpcNetwork(identity, new HostPort("127.0.0.1", 0), config, loop);
    }

    @Override
    protected HostPort addressNobodyListensAt() throws Exception {
        // A port just released: nothing listens there now.
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return new HostPort("127.0.0.1", socket.getLocalPort());
        }
    }
}
