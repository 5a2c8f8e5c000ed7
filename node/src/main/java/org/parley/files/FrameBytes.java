package org.parley.files;

import com.google.protobuf.ByteOutput;
import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;

/**
 * The bytes of a field of a frame that was just parsed, read where they are instead of copied
 * out (decision 0082): a chunk is opened straight from the frame, saving a copy of 256 KiB per
 * chunk. Only for reading: the array may be the field's own, and nothing may write into it.
 *
 * @param array the bytes' array, not to be changed
 * @param offset where the bytes start in it
 * @param length how many there are
 */
record FrameBytes(byte[] array, int offset, int length) {
    /** The bytes of {@code bytes}: its own array when it has one in one piece, else a copy. */
    static FrameBytes of(ByteString bytes) {
        Flat flat = new Flat();
        try {
            UnsafeByteOperations.unsafeWriteTo(bytes, flat);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (flat.pieces == 1 && flat.array != null) {
            return new FrameBytes(flat.array, flat.offset, flat.length);
        }
        byte[] copy = bytes.toByteArray();
        return new FrameBytes(copy, 0, copy.length);
    }

    /** Takes the one array a flat byte string hands over; anything else (pieces, buffers) leaves it unset. */
    private static final class Flat extends ByteOutput {
        private byte[] array;
        private int offset;
        private int length;
        private int pieces;

        @Override
        public void writeLazy(byte[] value, int offset, int length) {
            pieces++;
            this.array = value;
            this.offset = offset;
            this.length = length;
        }

        @Override
        public void write(byte[] value, int offset, int length) {
            pieces += 2;
        }

        @Override
        public void write(byte value) {
            pieces += 2;
        }

        @Override
        public void write(ByteBuffer value) {
            pieces += 2;
        }

        @Override
        public void writeLazy(ByteBuffer value) {
            pieces += 2;
        }
    }
}
