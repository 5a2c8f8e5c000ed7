package org.parley.files;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/**
 * Positional reads and writes that move a whole buffer: a channel may move fewer bytes than asked
 * in one call, so every caller would otherwise loop on its own.
 */
final class PositionalIo {
    private PositionalIo() {
    }

    /** Fills {@code buffer} from {@code position} on; false when the file ends first. */
    static boolean readFully(FileChannel channel, ByteBuffer buffer, long position) throws IOException {
        while (buffer.hasRemaining()) {
            int read = channel.read(buffer, position);
            if (read < 0) {
                return false;
            }
            position += read;
        }
        return true;
    }

    /** Writes all of {@code buffer} from {@code position} on. */
    static void writeFully(FileChannel channel, ByteBuffer buffer, long position) throws IOException {
        while (buffer.hasRemaining()) {
            position += channel.write(buffer, position);
        }
    }
}
