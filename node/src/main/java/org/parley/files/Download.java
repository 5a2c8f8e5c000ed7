package org.parley.files;

import com.google.protobuf.ByteString;
import java.util.BitSet;
import java.util.LinkedHashSet;
import java.util.Set;
import org.parley.identity.PeerId;

/**
 * One download in progress: who may hold the file, what is asked of whom, what is on disk. The
 * pieces of {@link Downloads} share it; confined to the node's loop.
 */
final class Download {
    final HeldFile file;
    final ByteString fileId;
    final ChunkScheduler scheduler;
    final Set<PeerId> candidates = new LinkedHashSet<>();
    /** Null until the part file is open and what it held checked again: nothing is asked before. */
    PartFile part;
    /** Chunks in the part file whose bytes are not yet forced to disk. */
    final BitSet unsynced = new BitSet();
    /** Chunks whose bytes are forced to disk: the bitmap as stored. */
    BitSet durable;
    boolean syncing;
    long lastAskedMillis;
    int lastProgressStep;
    boolean completing;
    /**
     * False once the node stops, or the download ends or expires: work that comes back from the
     * disk for it is dropped, and nothing more is written for it.
     */
    boolean active = true;

    Download(HeldFile file, ChunkScheduler scheduler) {
        this.file = file;
        this.fileId = ByteString.copyFrom(file.offer.fileId());
        this.scheduler = scheduler;
    }

    boolean ready() {
        return part != null;
    }
}
