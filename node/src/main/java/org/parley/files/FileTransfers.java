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
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.function.BiConsumer;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.parley.groups.GroupException;
import org.parley.groups.GroupFileIntake;
import org.parley.groups.GroupId;
import org.parley.groups.GroupMessageRecord;
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
 * Files offered in direct messages and in groups: the facade the node wires. A sent file is hashed
 * (and served from where it is), and its offer goes out inside an ordinary end-to-end message or
 * group post; a received offer from a contact or a fellow member starts a download
 * ({@link Downloads}). Every node that holds chunks of a file serves them to any peer that names
 * the file's ID ({@link ChunkServer}), so group members that fetched a file serve it to the
 * others. This class keeps the files this node knows, takes offers in, and routes file frames and
 * link events to the two sides.
 *
 * <p>Over 400 lines and kept whole on purpose: it is the facade of the files layer, the one place
 * offers come in from messages and groups and frames from links; the work is in {@link Downloads},
 * {@link ChunkServer} and {@link FilePreparer}.
 *
 * <p>Confined to the node's loop. Disk work (hashing, sealing, reading and writing chunks,
 * checking a chunk that arrived) runs on {@code disk} and comes back to the loop; database work
 * goes through the {@link StorageQueue}.
 */
public final class FileTransfers implements FrameHandler, LinkEvents, FileOfferIntake, GroupFileIntake {
    private static final Logger LOG = Logger.getLogger(FileTransfers.class.getName());

    private final PeerId self;
    private final Neighbours neighbours;
    private final StorageQueue storage;
    private final ContentCipher cipher;
    private final Scheduler loop;
    private final Clock clock;
    private final SecureRandom random;
    private final Executor disk;
    private final ProofStore proofs;
    /** Trees of whole files, kept to serve them: shared by the side that hashes them and the side that serves. */
    private final WholeFileChunks whole = new WholeFileChunks();
    private final FileConfig config;
    private final OfferSender offers;
    private final Map<ByteString, HeldFile> files = new HashMap<>();
    private final Map<MessageId, ByteString> byMessage = new HashMap<>();
    /** Files offered in groups, by the hex entry ID of the post. */
    private final Map<String, ByteString> byEntry = new HashMap<>();
    private GroupOfferSender groupOffers;
    private final List<FileEvents> listeners = new CopyOnWriteArrayList<>();
    private final ChunkServer server;
    private final Downloads fetching;
    private boolean stopped;

    private FileTransfers(PeerId self, Neighbours neighbours, StorageQueue storage, ContentCipher cipher,
                          Scheduler loop, Clock clock, SecureRandom random, Executor disk, Executor syncs,
                          ProofStore proofs, FileConfig config, Path downloads, OfferSender offers) {
        this.self = self;
        this.neighbours = neighbours;
        this.storage = storage;
        this.cipher = cipher;
        this.loop = loop;
        this.clock = clock;
        this.random = random;
        this.disk = disk;
        this.proofs = proofs;
        this.config = config;
        this.offers = offers;
        this.server = new ChunkServer(neighbours, loop, disk, proofs, downloads, whole, config, files::get);
        this.fetching = new Downloads(neighbours, storage, cipher, loop, clock, disk, syncs, proofs, whole, config,
                downloads, this::announce);
    }

    /**
     * Loads the files this node knows from storage (blocking: call before the loop serves
     * anything); downloads that were in progress resume on {@link #start}. Chunks are read,
     * checked and written on {@code disk}; downloads are forced to disk (and their running hash
     * advanced) on {@code syncs}, in the daemon another thread, so the two overlap.
     */
    public static FileTransfers open(PeerId self, Neighbours neighbours, StorageQueue storage, ContentCipher cipher,
                                     Scheduler loop, Clock clock, SecureRandom random, Executor disk, Executor syncs,
                                     ProofStore proofs, FileConfig config, Path downloads, OfferSender offers) {
        FileTransfers transfers = new FileTransfers(self, neighbours, storage, cipher, loop, clock, random, disk,
                syncs, proofs, config, downloads, offers);
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
            GroupId group = row.groupId() == null ? null : GroupId.of(row.groupId());
            MessageId messageId = group != null || row.messageId() == null ? null : MessageId.of(row.messageId());
            byte[] entryId = group == null ? null : row.messageId();
            HeldFile file = new HeldFile(offer, group, messageId, entryId, PeerId.parse(row.peerId()), row.direction(),
                    row.state(), BitSet.valueOf(row.held()), path, row.reason());
            file.progressMillis = row.progressMillis();
            remember(file);
        } catch (InvalidProtocolBufferException | FileException | InvalidPeerIdException | GroupException
                 | RuntimeException e) {
            LOG.log(Level.WARNING, "a stored file could not be read; it is left out", e);
        }
    }

    private void remember(HeldFile file) {
        files.put(ByteString.copyFrom(file.offer.fileId()), file);
        if (file.messageId != null) {
            byMessage.put(file.messageId, ByteString.copyFrom(file.offer.fileId()));
        }
        if (file.entryId != null) {
            byEntry.put(HexFormat.of().formatHex(file.entryId), ByteString.copyFrom(file.offer.fileId()));
        }
    }

    /** How offers are posted to groups; until set, {@link #sendToGroup} is refused. Set before start. */
    public void postGroupOffersWith(GroupOfferSender sender) {
        this.groupOffers = sender;
    }

    public void addListener(FileEvents listener) {
        listeners.add(listener);
    }

    /**
     * Resumes the downloads that were in progress and starts the timer that keeps them moving.
     * What a finished download kept while partial (its part file's hidden name, its proofs) is
     * deleted if a stop came between storing the final state and deleting it, and so are the files
     * of an earlier layout this version no longer reads ({@link ProofStore#removeLeftovers}).
     */
    public void start() {
        disk.execute(this::removeLeftovers);
        for (HeldFile file : List.copyOf(files.values())) {
            if (FileRecord.DOWNLOADING.equals(file.state)) {
                fetching.start(file);
            } else if (file.whole() || FileRecord.FAILED.equals(file.state)) {
                fetching.dropPartial(file);
            }
        }
        fetching.startTicking();
    }

    private void removeLeftovers() {
        try {
            int removed = proofs.removeLeftovers();
            if (removed > 0) {
                LOG.info(() -> removed + " files of partial downloads in the layout before decision 0068 were deleted;"
                        + " those downloads start again");
            }
        } catch (IOException e) {
            LOG.log(Level.WARNING, "cannot delete the files an earlier version kept for partial downloads", e);
        }
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

    /** The file offered with the group post {@code entryId} (hex), if one was. */
    public Optional<FileRecord> fileOfEntry(String entryId) {
        ByteString fileId = byEntry.get(entryId);
        HeldFile file = fileId == null ? null : files.get(fileId);
        return file == null ? Optional.empty() : Optional.of(file.record());
    }

    public List<FileRecord> files() {
        return files.values().stream().map(HeldFile::record).toList();
    }

    // ---------------------------------------------------------------- sending

    /**
     * Offers the file at {@code path} to {@code peer}: hashes it (on the disk executor), then sends
     * the offer in a message. Completes with that message once it is durably in the outbox.
     */
    public CompletableFuture<MessageRecord> send(PeerId peer, Path path) {
        return offer(path, peer, null, offer -> offers.send(peer, describe(offer), offer.toProto()),
                (file, record) -> file.messageId = record.id(), record -> record.id().bytes());
    }

    /**
     * Offers the file at {@code path} to a group: hashes it, then posts the offer. Completes with
     * the post once it is stored; every member may then fetch the file.
     */
    public CompletableFuture<GroupMessageRecord> sendToGroup(GroupId group, Path path) {
        GroupOfferSender sender = groupOffers;
        if (sender == null) {
            return CompletableFuture.failedFuture(new FileException("this node posts no files to groups"));
        }
        return offer(path, self, group, offer -> sender.post(group, describe(offer), offer.toProto()),
                (file, record) -> file.entryId = HexFormat.of().parseHex(record.entryId()),
                record -> HexFormat.of().parseHex(record.entryId()));
    }

    /**
     * Holds the file at {@code path} as a sender does (hashed, stored as offered, served from where
     * it is) without offering it to anyone; completes with the offer, which the caller hands to
     * others itself. The file benchmark puts its first holder in place this way, so that every
     * node it measures holds one and the same offer.
     */
    public CompletableFuture<OfferedFile> hold(Path path) {
        return offer(path, self, null, CompletableFuture::completedFuture, (file, offer) -> { }, offer -> null);
    }

    /**
     * Hashes the file, stores it as offered (before the offer leaves, so that whoever fetches it
     * finds it served), sends the offer, then ties the file to the message that carried it. If the
     * offer cannot be sent, the file is forgotten again.
     */
    private <R> CompletableFuture<R> offer(Path path, PeerId peer, GroupId group,
                                           Function<OfferedFile, CompletableFuture<R>> send,
                                           BiConsumer<HeldFile, R> tie, Function<R, byte[]> messageBytes) {
        CompletableFuture<OfferedFile> prepared = CompletableFuture.supplyAsync(() -> {
            try {
                FilePreparer.Prepared hashed = FilePreparer.prepare(path, random, config.maxFileBytes());
                whole.remember(hashed.offer(), hashed.tree(), hashed.size(), hashed.modifiedMillis());
                return hashed.offer();
            } catch (IOException e) {
                throw new CompletionException(new FileException("cannot read " + path + ": " + e.getMessage(), e));
            } catch (FileException e) {
                throw new CompletionException(e);
            }
        }, disk);
        return prepared.thenComposeAsync(offer -> {
            BitSet all = new BitSet();
            all.set(0, offer.chunkCount());
            HeldFile file = new HeldFile(offer, group, null, null, peer, MessageRecord.OUT, FileRecord.OFFERED, all,
                    path.toAbsolutePath().toString(), null);
            byte[] sealedOffer = cipher.seal(offer.toProto().toByteArray(),
                    SealedPlaces.fileOffer(offer.fileId(), peer.toString(), MessageRecord.OUT));
            byte[] sealedPath = cipher.seal(file.path.getBytes(StandardCharsets.UTF_8),
                    SealedPlaces.filePath(offer.fileId()));
            long now = clock.nowMillis();
            byte[] fileId = offer.fileId();
            return storage.submit(connection -> FileRows.insertIfAbsent(connection, new FileRows.StoredFile(
                    fileId, null, peer.toString(), MessageRecord.OUT, sealedOffer, FileRecord.OFFERED,
                    file.heldBytes(), sealedPath, null, now, group == null ? null : group.bytes())))
                    .thenComposeAsync(inserted -> send.apply(offer), loop)
                    .whenCompleteAsync((record, error) -> {
                        if (error != null) {
                            storage.submit(connection -> {
                                FileRows.delete(connection, fileId);
                                return null;
                            });
                        }
                    }, loop)
                    .thenComposeAsync(record -> {
                        tie.accept(file, record);
                        remember(file);
                        byte[] message = messageBytes.apply(record);
                        return storage.submit(connection -> {
                            FileRows.setMessage(connection, fileId, message);
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

    /**
     * A member's file offer in a group post, stored with the post. Members fetch each other's
     * files: joining the group was the consent a message request lacks.
     */
    @Override
    public void store(Connection connection, GroupId group, PeerId sender, byte[] entryId, FileOffer proto,
                      long receivedAt) throws SQLException {
        OfferedFile offer;
        try {
            offer = OfferedFile.of(proto, Long.MAX_VALUE);
        } catch (FileException e) {
            LOG.fine(() -> "an offer in group " + group + " is unusable: " + e.getMessage());
            return;
        }
        byte[] sealed = cipher.seal(proto.toByteArray(),
                SealedPlaces.fileOffer(offer.fileId(), sender.toString(), MessageRecord.IN));
        FileRows.insertIfAbsent(connection, new FileRows.StoredFile(offer.fileId(), entryId, sender.toString(),
                MessageRecord.IN, sealed, firstState(offer, false), HeldFile.bitmap(new BitSet(), offer.chunkCount()),
                null, firstReason(offer), receivedAt, group.bytes()));
    }

    @Override
    public void stored(GroupId group, PeerId sender, byte[] entryId, FileOffer proto) {
        OfferedFile offer;
        try {
            offer = OfferedFile.of(proto, Long.MAX_VALUE);
        } catch (FileException e) {
            return;
        }
        if (files.containsKey(ByteString.copyFrom(offer.fileId()))) {
            return;
        }
        HeldFile file = new HeldFile(offer, group, null, entryId.clone(), sender, MessageRecord.IN,
                firstState(offer, false), new BitSet(), null, firstReason(offer));
        remember(file);
        announce(file);
        if (FileRecord.DOWNLOADING.equals(file.state)) {
            fetching.start(file);
        }
    }

    /**
     * {@code peer} became a contact (its message request was accepted): the files it offered in
     * direct messages while a stranger, shown and never fetched, are fetched now.
     */
    public void acceptedFrom(PeerId peer) {
        for (HeldFile file : List.copyOf(files.values())) {
            if (file.group == null && file.peer.equals(peer) && MessageRecord.IN.equals(file.direction)
                    && FileRecord.OFFERED.equals(file.state)) {
                file.state = FileRecord.DOWNLOADING;
                byte[] fileId = file.offer.fileId();
                storage.submit(connection -> {
                    FileRows.setState(connection, fileId, FileRecord.DOWNLOADING, null, null);
                    return null;
                });
                announce(file);
                fetching.start(file);
            }
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
