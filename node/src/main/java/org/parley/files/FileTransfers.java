package org.parley.files;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.LinkedHashSet;
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
import org.parley.proto.wire.v1.ChunkData;
import org.parley.proto.wire.v1.ChunkRequest;
import org.parley.proto.wire.v1.FileFrame;
import org.parley.proto.wire.v1.FileHave;
import org.parley.proto.wire.v1.FileOffer;
import org.parley.proto.wire.v1.FileRef;
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
 * received offer from a contact starts a download that asks every holder it knows which chunks
 * it holds, then pulls chunks from all of them at once ({@link ChunkScheduler}), checks each
 * against the offer ({@link OfferedFile#openChunk}), keeps it sealed, and writes the whole file
 * into the downloads folder once every chunk is in ({@link FileAssembler}). Every node that
 * holds chunks of a file serves them to any peer that names the file's ID.
 *
 * <p>Confined to the node's loop. Disk work (hashing, sealing, reading and writing chunks,
 * checking a chunk that arrived) runs on {@code disk} and comes back to the loop; database work
 * goes through the {@link StorageQueue}.
 */
public final class FileTransfers implements FrameHandler, LinkEvents, FileOfferIntake {
    private static final Logger LOG = Logger.getLogger(FileTransfers.class.getName());
    /** Progress is told to watchers in steps of 1/PROGRESS_STEPS of the file. */
    private static final int PROGRESS_STEPS = 20;

    private final Neighbours neighbours;
    private final StorageQueue storage;
    private final ContentCipher cipher;
    private final Scheduler loop;
    private final Clock clock;
    private final SecureRandom random;
    private final Executor disk;
    private final ChunkStore chunks;
    private final FileConfig config;
    private final Path downloads;
    private final OfferSender offers;
    private final Map<ByteString, HeldFile> files = new HashMap<>();
    private final Map<MessageId, ByteString> byMessage = new HashMap<>();
    private final Map<ByteString, Download> downloadsInProgress = new HashMap<>();
    private final Map<PeerId, Integer> serving = new HashMap<>();
    private final List<FileEvents> listeners = new CopyOnWriteArrayList<>();
    private Scheduler.Cancellable ticker;
    private boolean stopped;

    /** A download in progress: who may hold the file, and what is asked of whom. */
    private static final class Download {
        final HeldFile file;
        final ChunkScheduler scheduler;
        final Set<PeerId> candidates = new LinkedHashSet<>();
        long lastAskedMillis;
        int lastProgressStep;
        boolean assembling;

        Download(HeldFile file, ChunkScheduler scheduler) {
            this.file = file;
            this.scheduler = scheduler;
        }
    }

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
        this.downloads = downloads;
        this.offers = offers;
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
                startDownload(file);
            }
        }
        scheduleTick();
    }

    public void stop() {
        stopped = true;
        if (ticker != null) {
            ticker.cancel();
        }
    }

    private void scheduleTick() {
        if (!stopped) {
            ticker = loop.schedule(config.tick(), () -> {
                tick();
                scheduleTick();
            });
        }
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
            startDownload(file);
        }
    }

    // ---------------------------------------------------------------- downloading

    private void startDownload(HeldFile file) {
        ByteString fileId = ByteString.copyFrom(file.offer.fileId());
        if (downloadsInProgress.containsKey(fileId)) {
            return;
        }
        Download download = new Download(file, new ChunkScheduler(file.offer.chunkCount(), file.held, config.window(),
                config.requestTimeout().toMillis()));
        download.candidates.add(file.peer);
        downloadsInProgress.put(fileId, download);
        if (download.scheduler.complete()) {
            assemble(download);
            return;
        }
        if (file.offer.inlineChunk() != null) {
            takeInlineChunk(download);
            return;
        }
        askHolders(download);
    }

    /** A small file came whole with its offer: checked like any chunk; if it fails, holders are asked. */
    private void takeInlineChunk(Download download) {
        OfferedFile offer = download.file.offer;
        CompletableFuture.supplyAsync(() -> {
            try {
                offer.openChunk(0, offer.inlineChunk(), List.of());
                chunks.write(offer.fileId(), 0, offer.inlineChunk(), List.of());
                return true;
            } catch (ChunkCipher.ChunkException | IOException e) {
                LOG.fine(() -> "an inline chunk is unusable: " + e.getMessage());
                return false;
            }
        }, disk).whenCompleteAsync((usable, error) -> {
            if (stopped || downloadsInProgress.get(ByteString.copyFrom(offer.fileId())) != download) {
                return;
            }
            if (Boolean.TRUE.equals(usable)) {
                chunkArrived(download, 0);
            } else {
                askHolders(download);
            }
        }, loop);
    }

    /**
     * Asks the peer that offered the file and every linked neighbour which chunks they hold: any
     * of them may hold it (group members that fetched it already). A neighbour without the file
     * learns only that we fetch something whose ID means nothing to it, and says nothing.
     */
    private void askHolders(Download download) {
        download.lastAskedMillis = clock.nowMillis();
        Frame ask = frame(FileFrame.newBuilder().setHaveRequest(
                FileRef.newBuilder().setFileId(ByteString.copyFrom(download.file.offer.fileId()))).build());
        Set<PeerId> asked = new LinkedHashSet<>(download.candidates);
        asked.addAll(neighbours.linkedPeers());
        for (PeerId peer : asked) {
            if (neighbours.isConnected(peer) && !download.scheduler.isExcluded(peer)) {
                neighbours.send(peer, ask);
            }
        }
    }

    private void pump(Download download) {
        if (download.assembling) {
            return;
        }
        for (ChunkScheduler.Request request : download.scheduler.next(clock.nowMillis())) {
            Frame ask = frame(FileFrame.newBuilder().setRequest(ChunkRequest.newBuilder()
                    .setFileId(ByteString.copyFrom(download.file.offer.fileId())).setIndex(request.index())).build());
            if (!neighbours.send(request.holder(), ask)) {
                download.scheduler.holderGone(request.holder());
            }
        }
    }

    private void tick() {
        long now = clock.nowMillis();
        for (Download download : List.copyOf(downloadsInProgress.values())) {
            download.scheduler.expire(now);
            if (!download.scheduler.hasHolders() && now - download.lastAskedMillis >= config.askAgainAfter().toMillis()) {
                askHolders(download);
            }
            pump(download);
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
            case HAVE_REQUEST -> answerHave(from, body.getHaveRequest().getFileId());
            case HAVE -> takeHave(from, body.getHave());
            case REQUEST -> serve(from, body.getRequest());
            case CHUNK -> takeChunk(from, body.getChunk());
            case MISSING -> takeMissing(from, body.getMissing());
            default -> neighbours.penalize(from, Misbehaviour.MALFORMED, "file frame of unknown type");
        }
    }

    private void answerHave(PeerId from, ByteString fileId) {
        HeldFile file = files.get(fileId);
        if (file == null || file.held.isEmpty()) {
            // Someone who knows the ID but finds nothing here: nothing to say (it may ask again).
            return;
        }
        neighbours.send(from, frame(FileFrame.newBuilder().setHave(FileHave.newBuilder().setFileId(fileId)
                .setBitmap(ByteString.copyFrom(file.heldBytes()))).build()));
    }

    private void takeHave(PeerId from, FileHave have) {
        Download download = downloadsInProgress.get(have.getFileId());
        if (download == null) {
            return;
        }
        int count = download.file.offer.chunkCount();
        if (have.getBitmap().size() > (count + 7) / 8) {
            neighbours.penalize(from, Misbehaviour.MALFORMED, "file bitmap longer than the file");
            return;
        }
        download.candidates.add(from);
        download.scheduler.holderHas(from, BitSet.valueOf(have.getBitmap().toByteArray()));
        pump(download);
    }

    private void serve(PeerId from, ChunkRequest request) {
        HeldFile file = files.get(request.getFileId());
        int index = request.getIndex();
        int busy = serving.getOrDefault(from, 0);
        if (file == null || index < 0 || index >= file.offer.chunkCount() || !file.held.get(index)
                || busy >= config.servingPerPeer()) {
            neighbours.send(from, frame(FileFrame.newBuilder().setMissing(request).build()));
            return;
        }
        serving.put(from, busy + 1);
        byte[] fileId = file.offer.fileId();
        CompletableFuture.supplyAsync(() -> {
            try {
                return chunks.read(fileId, index);
            } catch (IOException e) {
                throw new CompletionException(e);
            }
        }, disk).whenCompleteAsync((chunk, error) -> {
            serving.merge(from, -1, (a, b) -> a + b == 0 ? null : a + b);
            if (error != null || chunk == null) {
                LOG.log(Level.WARNING, "cannot read a held chunk", error);
                neighbours.send(from, frame(FileFrame.newBuilder().setMissing(request).build()));
                return;
            }
            ChunkData.Builder data = ChunkData.newBuilder().setFileId(request.getFileId()).setIndex(index)
                    .setSealed(ByteString.copyFrom(chunk.sealed()));
            chunk.proof().forEach(hash -> data.addProof(ByteString.copyFrom(hash)));
            neighbours.send(from, frame(FileFrame.newBuilder().setChunk(data).build()));
        }, loop);
    }

    private void takeMissing(PeerId from, ChunkRequest missing) {
        Download download = downloadsInProgress.get(missing.getFileId());
        if (download != null && download.scheduler.awaiting(from, missing.getIndex())) {
            download.scheduler.failed(from, missing.getIndex());
            pump(download);
        }
    }

    private void takeChunk(PeerId from, ChunkData data) {
        Download download = downloadsInProgress.get(data.getFileId());
        int index = data.getIndex();
        if (download == null || !download.scheduler.awaiting(from, index)) {
            // Not asked of this peer (or asked and already answered): a replay or a push.
            neighbours.penalize(from, Misbehaviour.UNASKED, "file chunk nobody asked it for");
            return;
        }
        OfferedFile offer = download.file.offer;
        byte[] sealed = data.getSealed().toByteArray();
        List<byte[]> proof = new ArrayList<>(data.getProofCount());
        data.getProofList().forEach(hash -> proof.add(hash.toByteArray()));
        CompletableFuture.supplyAsync(() -> {
            try {
                offer.openChunk(index, sealed, proof);
                chunks.write(offer.fileId(), index, sealed, proof);
                return null;
            } catch (ChunkCipher.ChunkException e) {
                throw new CompletionException(e);
            } catch (IOException e) {
                throw new CompletionException(e);
            }
        }, disk).whenCompleteAsync((ignored, error) -> {
            if (stopped || downloadsInProgress.get(data.getFileId()) != download) {
                return;
            }
            Throwable cause = error instanceof CompletionException ? error.getCause() : error;
            if (cause instanceof ChunkCipher.ChunkException bad) {
                neighbours.penalize(from, Misbehaviour.BAD_CHUNK, bad.getMessage());
                download.scheduler.exclude(from);
                pump(download);
                return;
            }
            if (cause != null) {
                LOG.log(Level.WARNING, "cannot store a chunk", cause);
                download.scheduler.failed(from, index);
                return;
            }
            chunkArrived(download, index);
        }, loop);
    }

    private void chunkArrived(Download download, int index) {
        HeldFile file = download.file;
        download.scheduler.received(index);
        file.held.set(index);
        byte[] fileId = file.offer.fileId();
        byte[] bitmap = file.heldBytes();
        storage.submit(connection -> {
            FileRows.setHeld(connection, fileId, bitmap);
            return null;
        });
        int step = (int) ((long) file.held.cardinality() * PROGRESS_STEPS / file.offer.chunkCount());
        if (step != download.lastProgressStep) {
            download.lastProgressStep = step;
            announce(file);
        }
        if (download.scheduler.complete()) {
            assemble(download);
        } else {
            pump(download);
        }
    }

    private void assemble(Download download) {
        download.assembling = true;
        HeldFile file = download.file;
        CompletableFuture.supplyAsync(() -> {
            try {
                return FileAssembler.assemble(file.offer, chunks, downloads);
            } catch (IOException e) {
                throw new CompletionException(new FileException("cannot write the download: " + e.getMessage(), e));
            } catch (FileException e) {
                throw new CompletionException(e);
            }
        }, disk).whenCompleteAsync((path, error) -> {
            downloadsInProgress.remove(ByteString.copyFrom(file.offer.fileId()));
            if (error != null) {
                Throwable cause = error instanceof CompletionException ? error.getCause() : error;
                finish(file, FileRecord.FAILED, null, cause.getMessage());
            } else {
                finish(file, FileRecord.COMPLETE, path.toString(), null);
            }
        }, loop);
    }

    private void finish(HeldFile file, String state, String path, String reason) {
        file.state = state;
        file.path = path;
        file.reason = reason;
        byte[] fileId = file.offer.fileId();
        byte[] sealedPath = path == null ? null
                : cipher.seal(path.getBytes(StandardCharsets.UTF_8), SealedPlaces.filePath(fileId));
        storage.submit(connection -> {
            FileRows.setState(connection, fileId, state, sealedPath, reason);
            return null;
        }).whenCompleteAsync((ignored, error) -> {
            if (error != null) {
                LOG.log(Level.SEVERE, "storing a file's state failed", error);
            }
            announce(file);
        }, loop);
    }

    private void announce(HeldFile file) {
        FileRecord record = file.record();
        listeners.forEach(listener -> listener.fileUpdated(record));
    }

    // ---------------------------------------------------------------- links

    @Override
    public void peerConnected(PeerInfo peer) {
        for (Download download : downloadsInProgress.values()) {
            if (!download.scheduler.isExcluded(peer.peerId())) {
                neighbours.send(peer.peerId(), frame(FileFrame.newBuilder().setHaveRequest(FileRef.newBuilder()
                        .setFileId(ByteString.copyFrom(download.file.offer.fileId()))).build()));
            }
        }
    }

    @Override
    public void peerDisconnected(PeerId peer) {
        serving.remove(peer);
        for (Download download : downloadsInProgress.values()) {
            download.scheduler.holderGone(peer);
        }
    }

    private static Frame frame(FileFrame body) {
        return Frame.newBuilder().setFile(body).build();
    }
}
