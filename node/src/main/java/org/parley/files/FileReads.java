package org.parley.files;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/** Positional reads that fill a buffer: a channel may hand back fewer bytes than asked in one read. */
final class FileReads {
    private FileReads() {
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
}
