package org.parley.files;

/**
 * How a file of {@code size} bytes splits into chunks of {@code chunkSize}: every chunk full but
 * the last; an empty file is one empty chunk, so that every file has a tree.
 */
public record ChunkLayout(long size, int chunkSize) {
    /** 256 KiB: a chunk and its proof fit one link frame with room to spare. */
    public static final int DEFAULT_CHUNK_SIZE = 256 * 1024;

    public ChunkLayout {
        if (size < 0 || chunkSize < 1) {
            throw new IllegalArgumentException("size " + size + ", chunk size " + chunkSize);
        }
    }

    public static ChunkLayout of(long size) {
        return new ChunkLayout(size, DEFAULT_CHUNK_SIZE);
    }

    public int count() {
        long count = Math.max(1, (size + chunkSize - 1) / chunkSize);
        if (count > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("too many chunks");
        }
        return (int) count;
    }

    public long offset(int index) {
        return (long) index * chunkSize;
    }

    /** Plaintext bytes of chunk {@code index}. */
    public int length(int index) {
        if (index < 0 || index >= count()) {
            throw new IllegalArgumentException("no chunk " + index);
        }
        return (int) Math.min(chunkSize, size - offset(index));
    }
}
