package org.parley.link.tls;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.grpc.netty.shaded.io.netty.buffer.ByteBuf;
import io.grpc.netty.shaded.io.netty.buffer.ByteBufAllocator;
import io.grpc.netty.shaded.io.netty.buffer.PooledByteBufAllocator;
import io.grpc.netty.shaded.io.netty.buffer.Unpooled;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Records read into direct buffers are gathered in heap memory, whole and in order, and the reads freed. */
class HeapRecordsTest {
    private final ByteBufAllocator alloc = PooledByteBufAllocator.DEFAULT;

    @Test
    void directReadsAreGatheredInOneHeapBufferInOrderAndFreed() {
        byte[] bytes = new byte[40_000];
        new Random(7).nextBytes(bytes);
        ByteBuf cumulation = Unpooled.EMPTY_BUFFER;
        ByteBuf[] reads = new ByteBuf[3];
        int[] cuts = {0, 1000, 17_000, bytes.length};
        for (int i = 0; i < reads.length; i++) {
            reads[i] = alloc.directBuffer(cuts[i + 1] - cuts[i]);
            reads[i].writeBytes(bytes, cuts[i], cuts[i + 1] - cuts[i]);
            cumulation = HeapRecords.INSTANCE.cumulate(alloc, cumulation, reads[i]);
            assertFalse(cumulation.isDirect(), "gathered in heap memory after read " + i);
            if (i == 0) {
                // A record's head is decoded before the rest comes: what was read stays readable.
                cumulation.skipBytes(10);
            }
        }
        for (ByteBuf read : reads) {
            assertEquals(0, read.refCnt(), "every read freed once copied");
        }
        byte[] gathered = new byte[cumulation.readableBytes()];
        cumulation.readBytes(gathered);
        assertArrayEquals(Arrays.copyOfRange(bytes, 10, bytes.length), gathered);
        cumulation.release();
    }

    @Test
    void aHeapReadIntoNothingGatheredIsTakenAsItIs() {
        ByteBuf read = alloc.heapBuffer(100).writeZero(100);
        assertSame(read, HeapRecords.INSTANCE.cumulate(alloc, Unpooled.EMPTY_BUFFER, read));
        assertEquals(1, read.refCnt());
        read.release();
    }
}
