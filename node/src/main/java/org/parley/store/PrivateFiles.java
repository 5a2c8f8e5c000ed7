package org.parley.store;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * Files and directories only their owner can read, written so that a crash leaves either the old
 * content or the new, never a torn file.
 */
public final class PrivateFiles {
    private static final boolean POSIX = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
    private static final Set<PosixFilePermission> OWNER_FILE = PosixFilePermissions.fromString("rw-------");
    private static final Set<PosixFilePermission> OWNER_DIRECTORY = PosixFilePermissions.fromString("rwx------");

    private PrivateFiles() {
    }

    /**
     * Creates the directory and its missing parents; the last one is owner-only. A directory that
     * already exists is made owner-only too: one created by hand, by an older version or under a
     * loose umask would otherwise let other local users list and read what it holds. Changing the
     * mode of a directory that belongs to someone else fails, so such a directory is refused.
     */
    public static void createDirectories(Path directory) throws IOException {
        if (Files.isDirectory(directory)) {
            restrictToOwner(directory, OWNER_DIRECTORY);
            return;
        }
        Path parent = directory.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        Files.createDirectories(directory, ownerOnly(OWNER_DIRECTORY));
    }

    /**
     * Replaces {@code file} with {@code content}: written to a temporary file beside it, forced to
     * disk, then renamed over it atomically.
     */
    public static void writeAtomically(Path file, byte[] content) throws IOException {
        Path temporary = durableTemporary(file, content);
        try {
            Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(temporary);
        }
    }

    /**
     * Writes a new file that must not exist yet, durably: the content is forced to disk under a
     * temporary name, then hard-linked into place, which fails rather than replace a file that
     * appeared meanwhile.
     *
     * @throws FileAlreadyExistsException when {@code file} exists (it is left untouched)
     */
    public static void createNew(Path file, byte[] content) throws IOException {
        Path temporary = durableTemporary(file, content);
        try {
            Files.createLink(file, temporary);
        } finally {
            Files.deleteIfExists(temporary);
        }
    }

    /** An owner-only temporary file beside {@code file}, holding {@code content}, forced to disk. */
    private static Path durableTemporary(Path file, byte[] content) throws IOException {
        Path temporary = Files.createTempFile(file.toAbsolutePath().getParent(), "." + file.getFileName(), ".tmp",
                ownerOnly(OWNER_FILE));
        try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.WRITE)) {
            channel.write(java.nio.ByteBuffer.wrap(content));
            channel.force(true);
        } catch (IOException e) {
            Files.deleteIfExists(temporary);
            throw e;
        }
        return temporary;
    }

    /** Creates an empty owner-only file if none exists. */
    public static void createIfMissing(Path file) throws IOException {
        if (!Files.exists(file)) {
            try {
                Files.createFile(file, ownerOnly(OWNER_FILE));
            } catch (FileAlreadyExistsException raced) {
                // Another process created it first; that is all we wanted.
            }
        }
    }

    /** Makes an existing file readable and writable by its owner only (a no-op without POSIX modes). */
    public static void restrictToOwner(Path file) throws IOException {
        restrictToOwner(file, OWNER_FILE);
    }

    private static void restrictToOwner(Path path, Set<PosixFilePermission> permissions) throws IOException {
        if (POSIX && !Files.getPosixFilePermissions(path).equals(permissions)) {
            Files.setPosixFilePermissions(path, permissions);
        }
    }

    /** Whether others than the owner may read the file (always false where POSIX modes don't exist). */
    public static boolean readableByOthers(Path file) throws IOException {
        if (!POSIX) {
            return false;
        }
        Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(file);
        return permissions.contains(PosixFilePermission.GROUP_READ)
                || permissions.contains(PosixFilePermission.OTHERS_READ);
    }

    private static FileAttribute<?>[] ownerOnly(Set<PosixFilePermission> permissions) {
        return POSIX ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(permissions)}
                : new FileAttribute<?>[0];
    }
}
