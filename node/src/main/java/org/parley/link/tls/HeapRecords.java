package org.parley.link.tls;

import io.grpc.netty.shaded.io.netty.buffer.ByteBuf;
import io.grpc.netty.shaded.io.netty.buffer.ByteBufAllocator;
import io.grpc.netty.shaded.io.netty.handler.codec.ByteToMessageDecoder;

/**
 * Gathers the TLS records a link receives in heap memory rather than in the direct buffers the
 * socket is read into (decision 0082). The JDK's TLS decrypts a record where it lies, and its
 * AES-GCM runs its fast paths on arrays only: from a direct buffer it hashes block by block, so
 * decrypting a file's bytes there cost about half as much CPU again as from a heap copy. Copying
 * the bytes once costs far less. Otherwise it gathers as Netty's own merging does: one buffer,
 * grown when the next bytes do not fit.
 */
final class HeapRecords implements ByteToMessageDecoder.Cumulator {
    static final HeapRecords INSTANCE = new HeapRecords();

    private HeapRecords() {
    }

    @Override
    public ByteBuf cumulate(ByteBufAllocator alloc, ByteBuf cumulation, ByteBuf in) {
        try {
            if (!cumulation.isReadable() && !in.isDirect() && in.hasArray()) {
                // Nothing gathered yet and the bytes already in one array: taken as they are.
                cumulation.release();
                ByteBuf taken = in;
                in = null;
                return taken;
            }
            int incoming = in.readableBytes();
            if (cumulation.isDirect() || !cumulation.hasArray() || cumulation.refCnt() > 1 || cumulation.isReadOnly()
                    || cumulation.maxWritableBytes() < incoming) {
                ByteBuf heap = alloc.heapBuffer(alloc.calculateNewCapacity(cumulation.readableBytes() + incoming,
                        Integer.MAX_VALUE));
                heap.writeBytes(cumulation);
                cumulation.release();
                cumulation = heap;
            }
            cumulation.writeBytes(in);
            return cumulation;
        } finally {
            if (in != null) {
                in.release();
            }
        }
    }
}
