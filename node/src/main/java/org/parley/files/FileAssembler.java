package org.parley.files;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.HexFormat;

/**
 * Writes a complete download into the downloads folder. The plaintext goes to a hidden part file
 * first; each chunk is opened on the way (its place in the tree was checked when it arrived),
 * the whole checked against the offer's SHA-256, and only then does the file appear under its own name, by a link
 * that fails rather than replace anything there: a partial or wrong file never carries the name.
 * Blocks on the disk.
 */
public final class FileAssembler {
    private static final int MAX_ATTEMPTS = 1000;

    private FileAssembler() {
    }

    public static Path assemble(OfferedFile offer, ChunkStore chunks, Path folder) throws IOException, FileException {
        Files.createDirectories(folder);
        String safe = FileNames.sanitize(offer.name());
        Path part = folder.resolve("." + offer.fileIdHex().substring(0, 16) + ".parley-part");
        MessageDigest whole = MerkleTree.sha256();
        try (FileChannel channel = FileChannel.open(part, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING);
             OutputStream out = java.nio.channels.Channels.newOutputStream(channel)) {
            for (int index = 0; index < offer.chunkCount(); index++) {
                ChunkStore.StoredChunk chunk = chunks.read(offer.fileId(), index);
                if (chunk == null) {
                    throw new FileException("chunk " + index + " is missing from the store");
                }
                byte[] plain;
                try {
                    plain = offer.openStoredChunk(index, chunk.sealed());
                } catch (ChunkCipher.ChunkException e) {
                    throw new FileException("stored chunk " + index + " is damaged: " + e.getMessage());
                }
                whole.update(plain);
                out.write(plain);
            }
            out.flush();
            channel.force(true);
        } catch (IOException | FileException e) {
            Files.deleteIfExists(part);
            throw e;
        }
        if (!MessageDigest.isEqual(whole.digest(), offer.sha256())) {
            Files.deleteIfExists(part);
            throw new FileException("the content does not match the offer's SHA-256");
        }
        try {
            for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
                Path target = FileNames.unused(folder, safe, attempt);
                if (!FileNames.directlyInside(folder, target)) {
                    throw new FileException("refusing a name outside the downloads folder");
                }
                try {
                    Files.createLink(target, part);
                    return target;
                } catch (FileAlreadyExistsException taken) {
                    // Someone's file has this name: try the next.
                } catch (UnsupportedOperationException noLinks) {
                    try {
                        Files.move(part, target);
                        return target;
                    } catch (FileAlreadyExistsException taken) {
                        // As above.
                    }
                }
            }
            throw new FileException("no free name for " + safe + " in " + folder);
        } finally {
            Files.deleteIfExists(part);
        }
    }

    static String hex(byte[] bytes) {
        return HexFormat.of().formatHex(bytes);
    }
}
