package org.parley.cli;

import java.io.IOException;
import java.util.Optional;
import java.util.logging.Level;
import org.parley.api.ApiException;
import org.parley.identity.Keystore;
import org.parley.node.DaemonLock;
import org.parley.node.LogFiles;
import org.parley.node.ParleyNode;
import org.parley.store.ProfileHome;

/**
 * A profile's node running in this process: the home locked (two nodes never share one), the
 * keystore unlocked, logs going to the home's log file, the node started. What {@code daemon}
 * runs headless and {@code tui} runs under its screen.
 */
public final class OwnNode implements AutoCloseable {
    private final ParleyNode node;
    private final DaemonLock lock;

    private OwnNode(ParleyNode node, DaemonLock lock) {
        this.node = node;
        this.lock = lock;
    }

    /** Opens the keystore once the home is locked, so a second node fails before asking for a passphrase. */
    public interface Unlock {
        Keystore.Unlocked profile() throws CliException;
    }

    public static OwnNode start(ProfileHome home, Unlock unlock, NodeNetworkOptions network) throws CliException {
        Level level = network.level();
        DaemonLock lock = acquireLock(home);
        try {
            Keystore.Unlocked profile = unlock.profile();
            LogFiles.install(home, level);
            return new OwnNode(ParleyNode.start(profile, home, network.nodeOptions(SeedList.of(home,
                    network.bootstrap))), lock);
        } catch (IOException | ApiException e) {
            lock.close();
            throw new CliException(e.getMessage(), e);
        } catch (CliException | RuntimeException e) {
            lock.close();
            throw e;
        }
    }

    public ParleyNode node() {
        return node;
    }

    private static DaemonLock acquireLock(ProfileHome home) throws CliException {
        Optional<DaemonLock> lock;
        try {
            lock = DaemonLock.tryAcquire(home);
        } catch (IOException e) {
            throw new CliException("cannot lock " + home.daemonLock() + ": " + e.getMessage(), e);
        }
        return lock.orElseThrow(() -> new CliException("a daemon is already running for " + home));
    }

    @Override
    public void close() {
        node.close();
        lock.close();
    }
}
