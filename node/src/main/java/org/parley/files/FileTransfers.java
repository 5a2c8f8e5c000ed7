package org.parley.files;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.parley.identity.InvalidPeerIdException;
import org.parley.identity.PeerId;
import org.parley.link.FrameHandler;
import org.parley.link.LinkEvents;
import org.parley.link.Misbehaviour;
import org.parley.link.Neighbours;
import org.parley.link.PeerInfo;
import org.parley.messaging.FileOfferIntake;
import org.parley.messaging.MessageId;
import org.parley.messaging.MessageRecord;
import org.parley.proto.wire.v1.FileFrame;
import org.parley.proto.wire.v1.FileOffer;
import org.parley.proto.wire.v1.Frame;
import org.parley.runtime.Clock;
import org.parley.runtime.Scheduler;
import org.parley.store.ContentCipher;
import org.parley.store.FileRows;
import org.parley.store.SealedPlaces;
import org.parley.store.StorageQueue;

/**
 * Files offered in direct messages: the facade the node wires. A sent file is hashed and sealed
 * into the {@link ChunkStore}, and its offer goes out inside an ordinary end-to-end message; a
 * received offer from a contact starts a download ({@link Downloads}). Every node that holds
 * chunks of a file serves them to any peer that names the file's ID ({@link ChunkServer}). This
 * class keeps the files this node knows, takes offers in, and routes file frames and link events
 * to the two sides.
 *
 * <p>Confined to the node's loop. Disk work (hashing, sealing, reading and writing chunks,
 * checking a chunk that arrived) runs on {@code disk} and comes back to the loop; database work
 * goes through the {@link StorageQueue}.
 */
public final class FileTransfers implements FrameHandler, LinkEvents, FileOfferIntake {
    private static final Logger LOG = Logger.getLogger(FileTransfers.class.getName());

    private final Neighbours neighbours;
    private final StorageQueue storage;
    private final ContentCipher cipher;
    private final Scheduler loop;
    private final Clock clock;
    private final SecureRandom random;
    private final Executor disk;
    private final ChunkStore chunks;
    private final FileConfig config;
    private final OfferSender offers;
    private final Map<ByteString, HeldFile> files = new HashMap<>();
    private final Map<MessageId, ByteString> byMessage = new HashMap<>();
    private final List<FileEvents> listeners = new CopyOnWriteArrayList<>();
    private final ChunkServer server;
    private final Downloads fetching;
    private boolean stopped;

    private FileTransfers(Neighbours neighbours, StorageQueue storage, ContentCipher cipher, Scheduler loop,
                          Clock clock, SecureRandom random, Executor disk, ChunkStore chunks, FileConfig config,
                          Path downloads, OfferSender offers) {
        this.neighbours = neighbours;
        this.storage = storage;
        this.cipher = cipher;
        this.loop = loop;
        this.clock = clock;
        this.random = random;
        this.disk = disk;
        this.chunks = chunks;
        this.config = config;
        this.offers = offers;
        this.server = new ChunkServer(neighbours, loop, disk, chunks, config, files::get);
        this.fetching = new Downloads(neighbours, storage, cipher, loop, clock, disk, chunks, config, downloads,
                this::announce);
    }

    /**
     * Loads the files this node knows from storage (blocking: call before the loop serves
     * anything); downloads that were in progress resume on {@link #start}.
     */
    public static FileTransfers open(Neighbours neighbours, StorageQueue storage, ContentCipher cipher, Scheduler loop,
                                     Clock clock, SecureRandom random, Executor disk, ChunkStore chunks,
                                     FileConfig config, Path downloads, OfferSender offers) {
        FileTransfers transfers = new FileTransfers(neighbours, storage, cipher, loop, clock, random, disk, chunks,
                config, downloads, offers);
        List<FileRows.StoredFile> stored = storage.submit(FileRows::all).join();
        for (FileRows.StoredFile row : stored) {
            transfers.load(row);
        }
        return transfers;
    }

    private void load(FileRows.StoredFile row) {
        try {
            FileOffer proto = FileOffer.parseFrom(cipher.open(row.offer(),
                    SealedPlaces.fileOffer(row.fileId(), row.peerId(), row.direction())));
            OfferedFile offer = OfferedFile.of(proto, Long.MAX_VALUE);
            String path = row.path() == null ? null
                    : new String(cipher.open(row.path(), SealedPlaces.filePath(row.fileId())), StandardCharsets.UTF_8);
            HeldFile file = new HeldFile(offer, row.messageId() == null ? null : MessageId.of(row.messageId()),
                    PeerId.parse(row.peerId()), row.direction(), row.state(), BitSet.valueOf(row.held()), path,
                    row.reason());
            remember(file);
        } catch (InvalidProtocolBufferException | FileException | InvalidPeerIdException | RuntimeException e) {
            LOG.log(Level.WARNING, "a stored file could not be read; it is left out", e);
        }
    }

    private void remember(HeldFile file) {
        files.put(ByteString.copyFrom(file.offer.fileId()), file);
        if (file.messageId != null) {
            byMessage.put(file.messageId, ByteString.copyFrom(file.offer.fileId()));
        }
    }

    public void addListener(FileEvents listener) {
        listeners.add(listener);
    }

    /** Resumes the downloads that were in progress and starts the timer that keeps them moving. */
    public void start() {
        for (HeldFile file : List.copyOf(files.values())) {
            if (FileRecord.DOWNLOADING.equals(file.state)) {
                fetching.start(file);
            }
        }
        fetching.startTicking();
    }

    public void stop() {
        stopped = true;
        fetching.stop();
    }

    // ---------------------------------------------------------------- what the user sees

    /** The file offered with message {@code id}, if one was. */
    public Optional<FileRecord> fileOf(MessageId id) {
        ByteString fileId = byMessage.get(id);
        HeldFile file = fileId == null ? null : files.get(fileId);
        return file == null ? Optional.empty() : Optional.of(file.record());
    }

    public List<FileRecord> files() {
        return files.values().stream().map(HeldFile::record).toList();
    }

    // ---------------------------------------------------------------- sending

    /**
     * Offers the file at {@code path} to {@code peer}: hashes and seals it into the chunk store
     * (on the disk executor), then sends the offer in a message. Completes with that message once
     * it is durably in the outbox.
     */
    public CompletableFuture<MessageRecord> send(PeerId peer, Path path) {
        CompletableFuture<OfferedFile> prepared = CompletableFuture.supplyAsync(() -> {
            try {
                return FilePreparer.prepare(path, chunks, random, config.maxFileBytes());
            } catch (IOException e) {
                throw new CompletionException(new FileException("cannot read " + path + ": " + e.getMessage(), e));
            } catch (FileException e) {
                throw new CompletionException(e);
            }
        }, disk);
        return prepared.thenComposeAsync(offer -> {
            BitSet all = new BitSet();
            all.set(0, offer.chunkCount());
            HeldFile file = new HeldFile(offer, null, peer, MessageRecord.OUT, FileRecord.OFFERED, all,
                    path.toAbsolutePath().toString(), null);
            byte[] sealedOffer = cipher.seal(offer.toProto().toByteArray(),
                    SealedPlaces.fileOffer(offer.fileId(), peer.toString(), MessageRecord.OUT));
            byte[] sealedPath = cipher.seal(file.path.getBytes(StandardCharsets.UTF_8),
                    SealedPlaces.filePath(offer.fileId()));
            long now = clock.nowMillis();
            return storage.submit(connection -> FileRows.insertIfAbsent(connection, new FileRows.StoredFile(
                    offer.fileId(), null, peer.toString(), MessageRecord.OUT, sealedOffer, FileRecord.OFFERED,
                    file.heldBytes(), sealedPath, null, now)))
                    .thenComposeAsync(inserted -> offers.send(peer, describe(offer), offer.toProto()), loop)
                    .thenComposeAsync(record -> {
                        file.messageId = record.id();
                        remember(file);
                        return storage.submit(connection -> {
                            FileRows.setMessage(connection, offer.fileId(), record.id().bytes());
                            return record;
                        });
                    }, loop)
                    .thenApplyAsync(record -> {
                        announce(file);
                        return record;
                    }, loop);
        }, loop);
    }

    /** The text that travels with an offer: what a client that knows no files shows. */
    static String describe(OfferedFile offer) {
        return "[file] " + offer.name() + " (" + offer.size() + " bytes)";
    }

    // ---------------------------------------------------------------- offers that arrive

    /**
     * The state a received offer starts in: a stranger's is only shown (a message request cannot
     * make us fetch anything), one over our limit fails, a contact's downloads.
     */
    private String firstState(OfferedFile offer, boolean request) {
        if (offer.size() > config.maxFileBytes()) {
            return FileRecord.FAILED;
        }
        return request ? FileRecord.OFFERED : FileRecord.DOWNLOADING;
    }

    private String firstReason(OfferedFile offer) {
        return offer.size() > config.maxFileBytes() ? "over the size limit of " + config.maxFileBytes() + " bytes" : null;
    }

    @Override
    public void store(Connection connection, PeerId sender, MessageId id, FileOffer proto, boolean request,
                      long receivedAt) throws SQLException {
        OfferedFile offer;
        try {
            offer = OfferedFile.of(proto, Long.MAX_VALUE);
        } catch (FileException e) {
            // The message stays, as text; there is nothing to fetch.
            LOG.fine(() -> "an offer from " + sender.shortForm() + " is unusable: " + e.getMessage());
            return;
        }
        byte[] sealed = cipher.seal(proto.toByteArray(),
                SealedPlaces.fileOffer(offer.fileId(), sender.toString(), MessageRecord.IN));
        FileRows.insertIfAbsent(connection, new FileRows.StoredFile(offer.fileId(), id.bytes(), sender.toString(),
                MessageRecord.IN, sealed, firstState(offer, request), HeldFile.bitmap(new BitSet(), offer.chunkCount()),
                null, firstReason(offer), receivedAt));
    }

    @Override
    public void stored(PeerId sender, MessageId id, FileOffer proto, boolean request) {
        OfferedFile offer;
        try {
            offer = OfferedFile.of(proto, Long.MAX_VALUE);
        } catch (FileException e) {
            return;
        }
        if (files.containsKey(ByteString.copyFrom(offer.fileId()))) {
            return;
        }
        HeldFile file = new HeldFile(offer, id, sender, MessageRecord.IN, firstState(offer, request), new BitSet(),
                null, firstReason(offer));
        remember(file);
        announce(file);
        if (FileRecord.DOWNLOADING.equals(file.state)) {
            fetching.start(file);
        }
    }

    // ---------------------------------------------------------------- frames

    /** Chunk traffic: asks for and answers about chunks, the chunks themselves. */
    @Override
    public Set<Frame.BodyCase> frameTypes() {
        return Set.of(Frame.BodyCase.FILE);
    }

    @Override
    public void frameReceived(PeerId from, Frame frame) {
        if (frame.getBodyCase() != Frame.BodyCase.FILE || stopped) {
            return;
        }
        FileFrame body = frame.getFile();
        switch (body.getBodyCase()) {
            case HAVE_REQUEST -> server.answerHave(from, body.getHaveRequest().getFileId());
            case HAVE -> fetching.takeHave(from, body.getHave());
            case REQUEST -> server.serve(from, body.getRequest());
            case CHUNK -> fetching.takeChunk(from, body.getChunk());
            case MISSING -> fetching.takeMissing(from, body.getMissing());
            default -> neighbours.penalize(from, Misbehaviour.MALFORMED, "file frame of unknown type");
        }
    }

    private void announce(HeldFile file) {
        FileRecord record = file.record();
        listeners.forEach(listener -> listener.fileUpdated(record));
    }

    // ---------------------------------------------------------------- links

    @Override
    public void peerConnected(PeerInfo peer) {
        fetching.peerConnected(peer.peerId());
    }

    @Override
    public void peerDisconnected(PeerId peer) {
        server.peerDisconnected(peer);
        fetching.peerDisconnected(peer);
    }
}
