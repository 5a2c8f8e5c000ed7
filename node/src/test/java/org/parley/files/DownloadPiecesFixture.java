package org.parley.files;

import com.google.protobuf.ByteString;
import java.io.IOException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import org.parley.identity.PeerId;
import org.parley.messaging.MessageId;
import org.parley.messaging.MessageRecord;
import org.parley.proto.wire.v1.FileOffer;

/** A file of a few chunks offered by {@link #OFFERER}, and a download of it with its part file open: for the pieces of {@link Downloads}. */
final class DownloadPiecesFixture {
    static final int CHUNKS = 4;
    static final PeerId OFFERER = peer(1);

    final byte[] content = new byte[ChunkLayout.DEFAULT_CHUNK_SIZE * (CHUNKS - 1) + 100];
    final OfferedFile offer;
    final MerkleTree tree;

    DownloadPiecesFixture() throws FileException {
        SecureRandom random = new SecureRandom();
        random.nextBytes(content);
        ChunkLayout layout = ChunkLayout.of(content.length);
        List<byte[]> leaves = new ArrayList<>();
        for (int i = 0; i < layout.count(); i++) {
            leaves.add(MerkleTree.leafHash(content, (int) layout.offset(i), layout.length(i)));
        }
        tree = MerkleTree.of(leaves);
        byte[] key = new byte[32];
        random.nextBytes(key);
        offer = OfferedFile.of(FileOffer.newBuilder().setName("a.bin").setSize(content.length)
                .setSha256(ByteString.copyFrom(MerkleTree.sha256().digest(content)))
                .setMerkleRoot(ByteString.copyFrom(tree.root())).setChunkSize(ChunkLayout.DEFAULT_CHUNK_SIZE)
                .setKey(ByteString.copyFrom(key)).build(), Long.MAX_VALUE);
    }

    static PeerId peer(int n) {
        byte[] key = new byte[32];
        key[0] = (byte) n;
        return PeerId.fromPublicKey(key);
    }

    byte[] chunk(int index) {
        ChunkLayout layout = offer.layout();
        return Arrays.copyOfRange(content, (int) layout.offset(index), (int) layout.offset(index) + layout.length(index));
    }

    /** A download of the file, nothing held, its part file open in {@code folder}. */
    Download download(Path folder, ProofStore proofs) throws IOException {
        HeldFile file = new HeldFile(offer, MessageId.of(new byte[16]), OFFERER, MessageRecord.IN,
                FileRecord.DOWNLOADING, new BitSet(), null, null);
        Download download = new Download(file, new ChunkScheduler(CHUNKS, new BitSet(), 2, 20_000));
        download.part = PartFile.open(offer, folder, new BitSet(), proofs);
        download.durable = new BitSet();
        return download;
    }
}
