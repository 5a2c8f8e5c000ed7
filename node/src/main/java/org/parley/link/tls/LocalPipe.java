package org.parley.link.tls;

import com.google.protobuf.ByteString;
import io.grpc.Status;
import io.grpc.netty.shaded.io.netty.buffer.ByteBuf;
import io.grpc.netty.shaded.io.netty.buffer.Unpooled;
import io.grpc.netty.shaded.io.netty.channel.Channel;
import io.grpc.netty.shaded.io.netty.channel.ChannelHandlerContext;
import io.grpc.netty.shaded.io.netty.channel.ChannelInboundHandlerAdapter;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.parley.link.HostPort;
import org.parley.proto.wire.v1.CircuitChunk;

/**
 * Joins a circuit stream to a Netty local channel whose other end is an ordinary TLS gRPC link
 * (our own link server, or a link channel we dial). Both directions are flow-controlled: bytes are
 * read from the local channel only while the circuit can take them, and the next chunk is asked of
 * the circuit only once the previous one is written. Either side ending ends both, once.
 */
final class LocalPipe extends ChannelInboundHandlerAdapter {
    /** The largest chunk a circuit carries; a relay refuses bigger ones. */
    static final int MAX_CHUNK = 16 * 1024;

    private final Consumer<String> onEnd;
    private final AtomicBoolean ended = new AtomicBoolean();
    private final AtomicBoolean readWaiting = new AtomicBoolean();
    private volatile CircuitStream circuit;
    private volatile Channel channel;
    /** Where the relay sees the other end, as it said before the data began. */
    private volatile Optional<HostPort> peerAddress = Optional.empty();
    /** Chunks arrive one at a time (each asked for after the last was handled). */
    private volatile boolean dataSeen;

    /** {@code onEnd} runs once, with the reason, when the pipe ends from either side. */
    LocalPipe(Consumer<String> onEnd) {
        this.onEnd = onEnd;
    }

    /** Where the relay sees the other end of the circuit; empty until (or unless) the relay says. */
    Optional<HostPort> peerAddress() {
        return peerAddress;
    }

    void attach(CircuitStream stream) {
        this.circuit = stream;
    }

    @Override
    public void channelActive(ChannelHandlerContext context) {
        channel = context.channel();
        if (ended.get()) {
            channel.close();
            return;
        }
        circuit.requestOne();
        readMore();
    }

    @Override
    public void channelRead(ChannelHandlerContext context, Object message) {
        ByteBuf bytes = (ByteBuf) message;
        try {
            while (bytes.isReadable()) {
                int length = Math.min(MAX_CHUNK, bytes.readableBytes());
                byte[] chunk = new byte[length];
                bytes.readBytes(chunk);
                if (!circuit.send(CircuitChunk.newBuilder().setData(ByteString.copyFrom(chunk)).build())) {
                    end("circuit closed");
                    return;
                }
            }
        } finally {
            bytes.release();
        }
        readMore();
    }

    /** Reads the local channel on only while the circuit is ready, else once it becomes ready. */
    private void readMore() {
        readWaiting.set(true);
        if (circuit.isReady() && readWaiting.compareAndSet(true, false)) {
            channel.read();
        }
    }

    /** gRPC's on-ready handler of the circuit stream. */
    void circuitReady() {
        Channel local = channel;
        if (local != null && readWaiting.compareAndSet(true, false)) {
            local.read();
        }
    }

    /** A chunk arrived from the circuit: written to the local channel, and the next asked for once written. */
    void fromCircuit(CircuitChunk chunk) {
        if (chunk.getBodyCase() == CircuitChunk.BodyCase.PEER_ADDRESS && !dataSeen) {
            try {
                peerAddress = Optional.of(HostPort.parse(chunk.getPeerAddress()));
            } catch (IllegalArgumentException unreadable) {
                end("the relay named the other end at an unreadable address");
                return;
            }
            circuit.requestOne();
            return;
        }
        dataSeen = true;
        if (chunk.getBodyCase() != CircuitChunk.BodyCase.DATA) {
            end("the relay sent " + chunk.getBodyCase() + " inside a circuit");
            return;
        }
        channel.writeAndFlush(Unpooled.wrappedBuffer(chunk.getData().toByteArray())).addListener(written -> {
            if (written.isSuccess()) {
                circuit.requestOne();
            } else {
                end("local write failed");
            }
        });
    }

    @Override
    public void channelInactive(ChannelHandlerContext context) {
        end("link over the circuit closed");
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext context, Throwable cause) {
        end("local channel failed: " + cause.getMessage());
    }

    /**
     * Ends both sides; the first reason wins. It is told before anything closes: closing the local
     * channel makes the link over it fail at once, with a vaguer reason than this one.
     */
    void end(String reason) {
        if (!ended.compareAndSet(false, true)) {
            return;
        }
        onEnd.accept(reason);
        Channel local = channel;
        if (local != null) {
            local.close();
        }
        CircuitStream stream = circuit;
        if (stream != null) {
            stream.end(Status.CANCELLED.withDescription(reason));
        }
    }
}
