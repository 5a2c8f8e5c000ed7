package org.parley.control;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.MethodDescriptor;
import java.nio.file.Path;

/**
 * A gRPC channel to the daemon over the command line's socket ({@code cli.sock}), without HTTP/2,
 * Netty or the machinery of a managed channel: a short command spent about a third of its CPU
 * time loading and starting those (decision 0086). The generated stubs run on it unchanged; each
 * call is a connection of its own ({@link LocalClientCall}). There is nothing to shut down.
 */
final class LocalCallChannel extends Channel {
    private final Path socket;

    LocalCallChannel(Path socket) {
        this.socket = socket;
    }

    @Override
    public <Q, R> ClientCall<Q, R> newCall(MethodDescriptor<Q, R> method, CallOptions options) {
        return new LocalClientCall<>(socket, method, options);
    }

    @Override
    public String authority() {
        return "localhost";
    }
}
