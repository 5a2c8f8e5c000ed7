package org.parley.node;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.StandardOpenOption;
import java.util.Optional;
import org.parley.store.PrivateFiles;
import org.parley.store.ProfileHome;

/**
 * An exclusive OS lock on the home's {@code daemon.lock}, held for the life of the node. Two nodes
 * on one home would corrupt each other's state; the OS drops the lock when the process dies, even
 * by {@code kill -9}, so a crash never leaves a home locked.
 */
public final class DaemonLock implements AutoCloseable {
    private final FileChannel channel;
    private final FileLock lock;

    private DaemonLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    /** Takes the lock, or returns empty when another process holds it. */
    public static Optional<DaemonLock> tryAcquire(ProfileHome home) throws IOException {
        PrivateFiles.createIfMissing(home.daemonLock());
        FileChannel channel = FileChannel.open(home.daemonLock(), StandardOpenOption.WRITE);
        try {
            FileLock lock = channel.tryLock();
            if (lock == null) {
                channel.close();
                return Optional.empty();
            }
            return Optional.of(new DaemonLock(channel, lock));
        } catch (OverlappingFileLockException e) {
            channel.close();
            return Optional.empty();
        }
    }

    /** Whether some process holds the lock on this home right now. */
    public static boolean isHeld(ProfileHome home) throws IOException {
        if (!java.nio.file.Files.exists(home.daemonLock())) {
            return false;
        }
        Optional<DaemonLock> probe = tryAcquire(home);
        probe.ifPresent(DaemonLock::close);
        return probe.isEmpty();
    }

    @Override
    public void close() {
        try {
            lock.release();
            channel.close();
        } catch (IOException e) {
            // The OS releases the lock with the process anyway.
        }
    }
}
