package org.parley.link.tls;

import io.grpc.netty.shaded.io.netty.channel.Channel;
import io.grpc.netty.shaded.io.netty.channel.ChannelHandlerContext;
import io.grpc.netty.shaded.io.netty.channel.ChannelInboundHandlerAdapter;

/**
 * Pipes two connected Netty channels into each other, both with auto-read off: a channel is read
 * again only once what was last read from it is written to the other, so the slower side paces the
 * faster and nothing piles up in between. Either side closing closes the other.
 */
final class ChannelBridge extends ChannelInboundHandlerAdapter {
    private final Channel other;

    private ChannelBridge(Channel other) {
        this.other = other;
    }

    /** Joins two active channels, and starts reading both. */
    static void join(Channel a, Channel b) {
        a.pipeline().addLast(new ChannelBridge(b));
        b.pipeline().addLast(new ChannelBridge(a));
        if (!a.isActive() || !b.isActive()) {
            a.close();
            b.close();
            return;
        }
        a.read();
        b.read();
    }

    @Override
    public void channelRead(ChannelHandlerContext context, Object message) {
        other.writeAndFlush(message).addListener(written -> {
            if (written.isSuccess()) {
                context.channel().read();
            } else {
                context.close();
            }
        });
    }

    @Override
    public void channelInactive(ChannelHandlerContext context) {
        other.close();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext context, Throwable cause) {
        context.close();
    }
}
