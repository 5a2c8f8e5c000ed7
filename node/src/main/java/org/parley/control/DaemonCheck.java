package org.parley.control;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.UserPrincipal;
import java.util.Optional;
import org.parley.api.ApiException;
import org.parley.store.ProfileHome;

/**
 * What a client checks before it presents the control token: that it is about to talk to its
 * owner's running daemon and not to whatever another local user set up where a dead daemon
 * served (finding 9 of the hardening review). The daemon's process must be alive and the
 * client's user's; on the socket transport, the socket must be the user's, in a home that only
 * the user can write to, so nobody else can have bound it.
 */
final class DaemonCheck {
    private DaemonCheck() {
    }

    /**
     * @return false when the published daemon is gone (a crash left its files behind)
     * @throws ApiException when something that is not the owner's stands where the daemon should
     */
    static boolean verify(ProfileHome home, ControlEndpoint endpoint) throws ApiException {
        String user = System.getProperty("user.name");
        Optional<ProcessHandle> process = ProcessHandle.of(endpoint.pid()).filter(ProcessHandle::isAlive);
        if (process.isEmpty()) {
            return false;
        }
        Optional<String> owner = process.get().info().user();
        if (owner.isEmpty() || !owner.get().equals(user)) {
            throw new ApiException("the process named in " + home.controlEndpoint() + " (pid " + endpoint.pid()
                    + ") is not yours: refusing to send it the control token");
        }
        if (endpoint.onSocket()) {
            return socketIsOwners(home, home.controlSocket(), user);
        }
        return true;
    }

    /**
     * Whether the command line's socket of a verified daemon may be spoken to: present and the
     * user's, in a home that is the user's alone. False when it is missing (a daemon from before
     * it, or one that could not bind it): the client then speaks gRPC on the control socket.
     */
    static boolean cliSocketIsOwners(ProfileHome home) throws ApiException {
        return socketIsOwners(home, home.cliSocket(), System.getProperty("user.name"));
    }

    private static boolean socketIsOwners(ProfileHome home, Path socket, String user) throws ApiException {
        try {
            UserPrincipal me = socket.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName(user);
            PosixFileAttributes directory = Files.readAttributes(home.root(), PosixFileAttributes.class);
            if (!directory.owner().equals(me) || directory.permissions().contains(PosixFilePermission.GROUP_WRITE)
                    || directory.permissions().contains(PosixFilePermission.OTHERS_WRITE)) {
                throw new ApiException(home + " is not yours alone: refusing to trust the control socket in it");
            }
            PosixFileAttributes attributes = Files.readAttributes(socket, PosixFileAttributes.class,
                    LinkOption.NOFOLLOW_LINKS);
            if (!attributes.isOther() || !attributes.owner().equals(me)) {
                throw new ApiException(socket + " is not a socket of yours: refusing to send it the control token");
            }
            return true;
        } catch (NoSuchFileException e) {
            return false;
        } catch (UnsupportedOperationException e) {
            throw new ApiException("cannot check who owns " + socket + " on this file system", e);
        } catch (IOException e) {
            throw new ApiException("cannot check " + socket + ": " + e.getMessage(), e);
        }
    }
}
