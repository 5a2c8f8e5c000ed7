package org.parley.control;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.MessageLite;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Optional;

/**
 * The frames of the command line's socket: a message preceded by its length as a varint, as
 * protobuf's delimited form, but read with a limit checked before anything is allocated, so a
 * length from the other end decides no allocation.
 */
final class LocalFrames {
    private LocalFrames() {
    }

    static void write(OutputStream out, MessageLite message) throws IOException {
        byte[] body = message.toByteArray();
        byte[] length = new byte[CodedOutputStream.computeUInt32SizeNoTag(body.length)];
        CodedOutputStream.newInstance(length).writeUInt32NoTag(body.length);
        out.write(length);
        out.write(body);
        out.flush();
    }

    /**
     * The next frame's bytes; empty when the stream ends cleanly before a frame.
     *
     * @throws IOException when the stream ends inside a frame, or the length is malformed or over
     *     {@code maxBytes}
     */
    static Optional<byte[]> read(InputStream in, int maxBytes) throws IOException {
        int first = in.read();
        if (first < 0) {
            return Optional.empty();
        }
        int length = CodedInputStream.readRawVarint32(first, in);
        if (length < 0 || length > maxBytes) {
            throw new IOException("a frame of " + Integer.toUnsignedString(length) + " bytes, over the "
                    + maxBytes + " allowed");
        }
        byte[] body = in.readNBytes(length);
        if (body.length < length) {
            throw new EOFException("the stream ended inside a frame");
        }
        return Optional.of(body);
    }
}
