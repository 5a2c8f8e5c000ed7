package org.parley.files;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The file a download is written into, hidden in the downloads folder and readable by its owner
 * only: each chunk's plaintext goes in at its offset once it has passed its checks (decision
 * 0068), so that the finished file needs no second pass over its bytes. The SHA-256 of the offer
 * is computed along the way over the chunks written from the start of the file on, by
 * {@link #hashWritten} on another thread than the one that writes (a chunk's plaintext is kept for
 * it, a few at most; the others are read back); at the end the file is forced to disk, that hash
 * completed and compared, and the file linked under its own name by a call that fails rather than
 * replace anything: until then no file carries the name.
 *
 * <p>On a restart the chunks the stored bitmap lists are checked again against their proofs
 * ({@link #open}); any that fail (not yet on disk at a crash, or changed since) are fetched again.
 * Blocks on the disk: use on the files executors only. Writes, forces and the running hash may run
 * on different threads at once (positional reads and writes of a channel are safe to mix).
 */
final class PartFile implements Closeable {
    private static final Logger LOG = Logger.getLogger(PartFile.class.getName());
    private static final String SUFFIX = ".parley-part";
    private static final int MAX_NAME_ATTEMPTS = 1000;
    /** Chunks written ahead of the hash whose plaintext is kept for it (8 MiB); the rest are read back. */
    static final int KEPT_UNHASHED = 32;

    private final OfferedFile offer;
    private final Path folder;
    private final Path path;
    private final FileChannel channel;
    private final BitSet written = new BitSet();
    /** The leaf hash of each chunk written: the tree, once whole, is kept to serve the file from. */
    private final byte[][] leaves;
    /**
     * Plaintext of chunks written but not yet hashed, kept so that the running hash need not read
     * them back: at most {@link #KEPT_UNHASHED} (chunks mostly arrive in order, so few wait).
     */
    private final Map<Integer, byte[]> unhashed = new HashMap<>();
    /** Guards the running hash: {@code prefix} and {@code hashedUpTo}. */
    private final Object hashing = new Object();
    /** SHA-256 over chunks 0 to {@code hashedUpTo - 1}. */
    private final MessageDigest prefix = MerkleTree.sha256();
    private int hashedUpTo;

    private PartFile(OfferedFile offer, Path folder, Path path, FileChannel channel) {
        this.offer = offer;
        this.folder = folder;
        this.path = path;
        this.channel = channel;
        this.leaves = new byte[offer.chunkCount()][];
    }

    /** Where the download of {@code offer} is written while it is partial: a hidden name of its file ID. */
    static Path pathIn(Path folder, OfferedFile offer) {
        return folder.resolve("." + offer.fileIdHex().substring(0, 16) + SUFFIX);
    }

    /**
     * Opens the part file of {@code offer} in {@code folder}, or creates it (owner-only) when
     * nothing is held or it is gone. Of the chunks {@code held} lists, keeps those whose bytes are
     * there and still prove their place in the tree with the stored proof; {@link #held} says which.
     * A link in the part file's place is never followed.
     */
    static PartFile open(OfferedFile offer, Path folder, BitSet held, ProofStore proofs) throws IOException {
        Files.createDirectories(folder);
        Path path = pathIn(folder, offer);
        boolean resume = !held.isEmpty() && Files.isRegularFile(path, LinkOption.NOFOLLOW_LINKS);
        PartFile part = new PartFile(offer, folder, path, resume ? reopen(path) : create(path));
        if (resume) {
            part.recheck(held, proofs);
        }
        return part;
    }

    private static FileChannel create(Path path) throws IOException {
        Files.deleteIfExists(path);
        Set<OpenOption> options = Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
                StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS);
        if (posix(path)) {
            FileAttribute<?> ownerOnly = PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"));
            return FileChannel.open(path, options, ownerOnly);
        }
        return FileChannel.open(path, options);
    }

    private static FileChannel reopen(Path path) throws IOException {
        if (posix(path)) {
            Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rw-------"));
        }
        return FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS);
    }

    private static boolean posix(Path path) {
        return path.getFileSystem().supportedFileAttributeViews().contains("posix");
    }

    private void recheck(BitSet held, ProofStore proofs) throws IOException {
        if (channel.size() > offer.size()) {
            channel.truncate(offer.size());
        }
        for (int index = held.nextSetBit(0); index >= 0 && index < offer.chunkCount(); index = held.nextSetBit(index + 1)) {
            Proven chunk = proven(channel, offer, proofs, index);
            if (chunk != null) {
                synchronized (this) {
                    written.set(index);
                    leaves[index] = chunk.leaf();
                    keepForHash(index, chunk.plain());
                }
                hashWritten();
            }
        }
    }

    /** The chunks in the file that passed their checks. */
    synchronized BitSet held() {
        return (BitSet) written.clone();
    }

    /** Writes chunk {@code index}, already checked against the offer (its leaf hash {@code leaf}), at its place. */
    synchronized void write(int index, byte[] plain, byte[] leaf) throws IOException {
        PositionalIo.writeFully(channel, ByteBuffer.wrap(plain), offer.layout().offset(index));
        written.set(index);
        leaves[index] = leaf;
        keepForHash(index, plain);
    }

    private void keepForHash(int index, byte[] plain) {
        if (unhashed.size() < KEPT_UNHASHED) {
            unhashed.put(index, plain);
        }
    }

    /** The file's Merkle tree, from the leaves of the chunks written; call once every chunk is. */
    synchronized MerkleTree tree() {
        return MerkleTree.of(List.of(leaves));
    }

    /**
     * Adds the chunks written from {@code hashedUpTo} on, as far as they follow each other, to the
     * running SHA-256. Called between writes from another thread, so that the thread that takes
     * chunks in does not also hash the whole file; {@link #complete} finishes it.
     */
    void hashWritten() throws IOException {
        synchronized (hashing) {
            while (true) {
                byte[] chunk;
                synchronized (this) {
                    if (hashedUpTo >= offer.chunkCount() || !written.get(hashedUpTo)) {
                        return;
                    }
                    chunk = unhashed.remove(hashedUpTo);
                }
                if (chunk == null) {
                    chunk = readChunk(channel, offer, hashedUpTo);
                }
                if (chunk == null) {
                    throw new IOException("chunk " + hashedUpTo + " went missing from the part file");
                }
                prefix.update(chunk);
                hashedUpTo++;
            }
        }
    }

    /**
     * Forces what was written to the disk: after this, a bitmap listing it may be stored. Not under
     * the lock {@link #write} takes, so chunks go on being written while the disk catches up.
     */
    void sync() throws IOException {
        channel.force(false);
    }

    /**
     * Finishes a download whose every chunk is written: forces it to disk, checks the offer's
     * SHA-256, and links it under its (sanitised) name in the folder, the first of
     * {@code name}, {@code name (1)}… that is free. The part file stays (the same file under its
     * hidden name) until the caller has stored that the download is complete, so that a crash in
     * between finds the link already made instead of making a second copy.
     *
     * @return the file's path under its own name
     */
    Path complete() throws IOException, FileException {
        synchronized (this) {
            if (written.cardinality() != offer.chunkCount()) {
                throw new FileException("the download is not whole");
            }
        }
        hashWritten();
        channel.force(true);
        channel.close();
        synchronized (hashing) {
            if (hashedUpTo != offer.chunkCount() || !MessageDigest.isEqual(prefix.digest(), offer.sha256())) {
                throw new FileException("the content does not match the offer's SHA-256");
            }
        }
        String safe = FileNames.sanitize(offer.name());
        for (int attempt = 0; attempt < MAX_NAME_ATTEMPTS; attempt++) {
            Path target = FileNames.unused(folder, safe, attempt);
            if (!FileNames.directlyInside(folder, target)) {
                throw new FileException("refusing a name outside the downloads folder");
            }
            try {
                Files.createLink(target, path);
                return target;
            } catch (FileAlreadyExistsException taken) {
                if (sameFile(target, path)) {
                    return target;
                }
            } catch (UnsupportedOperationException noLinks) {
                try {
                    Files.move(path, target);
                    return target;
                } catch (FileAlreadyExistsException taken) {
                    // Someone's file has this name: the next is tried.
                }
            }
        }
        throw new FileException("no free name for " + safe + " in " + folder);
    }

    /** Whether {@code a} is the very file {@code b} (a link made before a crash), links not followed. */
    private static boolean sameFile(Path a, Path b) throws IOException {
        Object keyA = Files.readAttributes(a, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey();
        Object keyB = Files.readAttributes(b, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey();
        return keyA != null && Objects.equals(keyA, keyB);
    }

    @Override
    public synchronized void close() throws IOException {
        channel.close();
    }

    /** Closes the file where nothing waits on it (a download stopped or ended): a failure is only logged. */
    void closeQuietly() {
        try {
            close();
        } catch (IOException e) {
            LOG.log(Level.FINE, "cannot close a part file", e);
        }
    }

    /** Deletes the part file of {@code offer} (a finished download keeps its own name only). */
    static void delete(Path folder, OfferedFile offer) throws IOException {
        Files.deleteIfExists(pathIn(folder, offer));
    }

    /**
     * Chunk {@code index} of a download in progress, sealed as a holder sends it, with its stored
     * proof; null when its bytes are not there or no longer prove their place (so nothing changed
     * on disk is ever served).
     */
    static SealedChunk readSealed(OfferedFile offer, Path folder, ProofStore proofs, int index) throws IOException {
        Path path = pathIn(folder, offer);
        if (!Files.isRegularFile(path, LinkOption.NOFOLLOW_LINKS)) {
            return null;
        }
        Proven chunk;
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
            chunk = proven(channel, offer, proofs, index);
        }
        if (chunk == null) {
            return null;
        }
        byte[] plain = chunk.plain();
        return new SealedChunk(ChunkCipher.seal(offer.key(), offer.root(), index, plain, 0, plain.length), chunk.proof());
    }

    /** A chunk read back from the part file that still proves its place with its stored proof. */
    private record Proven(byte[] plain, byte[] leaf, List<byte[]> proof) {
    }

    /** Chunk {@code index} as it is in the part file, or null when it is not there or no longer proves its place. */
    private static Proven proven(FileChannel channel, OfferedFile offer, ProofStore proofs, int index) throws IOException {
        byte[] plain = readChunk(channel, offer, index);
        List<byte[]> proof = proofs.read(offer.fileId(), index);
        if (plain == null || proof == null) {
            return null;
        }
        byte[] leaf = MerkleTree.leafHash(plain);
        return MerkleTree.verify(offer.root(), index, offer.chunkCount(), leaf, proof) ? new Proven(plain, leaf, proof) : null;
    }

    private static byte[] readChunk(FileChannel channel, OfferedFile offer, int index) throws IOException {
        byte[] plain = new byte[offer.layout().length(index)];
        return PositionalIo.readFully(channel, ByteBuffer.wrap(plain), offer.layout().offset(index)) ? plain : null;
    }
}
