package org.parley.groups;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.parley.identity.InvalidPeerIdException;
import org.parley.identity.PeerId;
import org.parley.proto.wire.v1.MembershipOpProto;
import org.parley.runtime.Scheduler;
import org.parley.messaging.ConversationLedger;
import org.parley.messaging.HeldActions;
import org.parley.store.ContentCipher;
import org.parley.store.ConversationRows;
import org.parley.store.GroupRows;
import org.parley.store.RestoreMark;
import org.parley.store.SealedPlaces;
import org.parley.store.StorageQueue;

/**
 * The groups' rows: builds them on the loop (sealing names, keys and bodies with the content
 * cipher), commits them through the {@link StorageQueue} with completion back on the loop, and
 * reads them back at start, for history and for back-fill.
 */
final class GroupStorage {
    private static final Logger LOG = Logger.getLogger(GroupStorage.class.getName());

    /** Rows to write in one transaction, built on the loop, written on the storage thread. */
    interface Rows {
        void write(Connection connection) throws SQLException;
    }

    /** More rows to read at start, in the same transaction (the control outbox's). */
    interface Loader {
        void load(Connection connection) throws SQLException;
    }

    private final StorageQueue storage;
    private final ContentCipher cipher;
    private final Scheduler loop;
    private final ConversationLedger ledger;
    private final HeldActions held;
    private boolean restored;

    GroupStorage(StorageQueue storage, ContentCipher cipher, Scheduler loop) {
        this.storage = storage;
        this.cipher = cipher;
        this.ledger = new ConversationLedger(cipher);
        this.held = new HeldActions(cipher, ledger);
        this.loop = loop;
    }

    /** Whether the loaded database was restored from a backup and our sender keys not replaced yet. */
    boolean restored() {
        return restored;
    }

    /** Rows that say our sender keys have been replaced since the restore. */
    Rows restoreHandled() {
        restored = false;
        return RestoreMark::clear;
    }

    /** Writes {@code rows} in one transaction; the future completes on the loop, failed with a {@link GroupFailure}. */
    CompletableFuture<Void> commit(Rows rows) {
        return onLoop(storage.submit(connection -> {
            rows.write(connection);
            return null;
        }));
    }

    /**
     * Writes {@code rows} together with a sender key's state, of which only the newest counts: a
     * transaction holding many posts under one key writes its state once, after them (see
     * {@link StorageQueue#submit(org.parley.store.Database.Work, Object, org.parley.store.Database.Work)}).
     * The future completes on the loop once both are committed.
     */
    CompletableFuture<Void> commitWithKey(Rows rows, KeyState key) {
        return onLoop(storage.submit(connection -> {
            rows.write(connection);
            return null;
        }, key.name(), connection -> {
            key.write(connection);
            return null;
        }));
    }

    private CompletableFuture<Void> onLoop(CompletableFuture<?> stored) {
        CompletableFuture<Void> committed = new CompletableFuture<>();
        stored.whenCompleteAsync((ignored, error) -> {
            if (error != null) {
                LOG.log(Level.SEVERE, "could not store group state", error);
                committed.completeExceptionally(new GroupFailure("could not store the change: " + error.getMessage()));
            } else {
                committed.complete(null);
            }
        }, loop);
        return committed;
    }

    /** Reads in a transaction of its own; the future completes on the loop. */
    <T> CompletableFuture<T> read(org.parley.store.Database.Work<T> work) {
        return storage.submit(work).whenCompleteAsync((value, error) -> { }, loop);
    }

    static Rows all(List<Rows> rows) {
        return connection -> {
            for (Rows row : rows) {
                row.write(connection);
            }
        };
    }

    Rows groupRow(GroupState state) {
        byte[] name = cipher.seal(state.name.getBytes(StandardCharsets.UTF_8), nameContext(state.id));
        GroupRows.Group row = new GroupRows.Group(state.id.bytes(), name, state.status,
                state.invitedBy == null ? null : state.invitedBy.toString(), state.createdMillis);
        return connection -> GroupRows.putGroup(connection, row);
    }

    Rows keyRow(GroupState state, PeerId owner, SenderKey key) {
        return keyState(state, owner, key)::write;
    }

    /** The key's state now, taken on the loop (the key goes on moving while the storage thread writes). */
    KeyState keyState(GroupState state, PeerId owner, SenderKey key) {
        byte[] keyId = key.keyId();
        return new KeyState(state.id.bytes(), keyId, owner.toString(), key.toBytes(), keyContext(state.id, keyId));
    }

    /** A sender key's state as it was when taken; sealed and written on the storage thread. */
    final class KeyState {
        private final byte[] groupId;
        private final byte[] keyId;
        private final String owner;
        private final byte[] state;
        private final String context;

        private KeyState(byte[] groupId, byte[] keyId, String owner, byte[] state, String context) {
            this.groupId = groupId;
            this.keyId = keyId;
            this.owner = owner;
            this.state = state;
            this.context = context;
        }

        /** Which row it goes to: states of one key in one transaction replace each other. */
        private List<ByteString> name() {
            return List.of(ByteString.copyFrom(groupId), ByteString.copyFrom(keyId));
        }

        private void write(Connection connection) throws SQLException {
            GroupRows.putKey(connection, new GroupRows.Key(groupId, keyId, owner,
                    cipher.seal(state, context)));
        }
    }

    /** The op sealed: it names the group and its members (a create op also carries the name). */
    Rows opRow(GroupState state, MembershipOp op) {
        byte[] opId = op.id();
        byte[] sealed = cipher.seal(op.toProto().toByteArray(), SealedPlaces.groupOp(state.id.bytes(), opId));
        return connection -> GroupRows.putOp(connection, state.id.bytes(), opId, sealed);
    }

    /** The log entry: built on the loop, its body sealed on the storage thread (off the loop's way). */
    Rows entryRow(GroupState state, GroupMessageRecord record, byte[] messageId, List<ByteString> parents,
                  GroupPost post) {
        byte[] groupId = state.id.bytes();
        byte[] encoded = post.toBytes();
        byte[] joined = ByteString.copyFrom(parents).toByteArray();
        return connection -> GroupRows.insertEntry(connection, new GroupRows.Entry(
                HexFormat.of().parseHex(record.entryId()), groupId, messageId, record.sender().toString(),
                record.lamport(), joined, encoded, cipher.seal(record.text().getBytes(StandardCharsets.UTF_8),
                        bodyContext(record.entryId(), groupId, record.sender().toString())),
                record.sentAtMillis(), record.receivedAtMillis()));
    }

    /** The last {@code limit} messages of a group before {@code before} (or the newest), in log order. */
    CompletableFuture<List<GroupMessageRecord>> history(GroupId id, int limit, Optional<byte[]> before) {
        return storage.submit(connection -> {
            Optional<GroupRows.Position> anchor = Optional.empty();
            if (before.isPresent()) {
                anchor = GroupRows.position(connection, id.bytes(), before.get());
                if (anchor.isEmpty()) {
                    throw new GroupFailure(GroupFailure.Reason.NOT_FOUND,
                            "no message " + HexFormat.of().formatHex(before.get()) + " in group " + id);
                }
            }
            List<GroupMessageRecord> records = new ArrayList<>();
            for (GroupRows.Entry entry : GroupRows.history(connection, id.bytes(), limit, anchor)) {
                records.add(toRecord(connection, id, entry));
            }
            return records;
        });
    }

    /** A stored message as shown: its text opened, its edits, deletion, reply and reactions applied. */
    GroupMessageRecord toRecord(Connection connection, GroupId id, GroupRows.Entry entry) throws SQLException {
        String entryHex = HexFormat.of().formatHex(entry.entryId());
        String text = new String(cipher.open(entry.body(), bodyContext(entryHex, entry.groupId(), entry.sender())),
                StandardCharsets.UTF_8);
        ConversationLedger.Shown shown = ledger.shown(connection, ConversationRows.group(id.toString()),
                entry.entryId(), text);
        return new GroupMessageRecord(id, entryHex, parse(entry.sender()), shown.text(), entry.sentMillis(),
                entry.receivedMillis(), entry.lamport(), shown.annotations());
    }

    /** Judges and writes reactions, edits and deletions of this node's group messages. */
    ConversationLedger ledger() {
        return ledger;
    }

    /** Actions of members that came before the messages they name. */
    HeldActions held() {
        return held;
    }

    /** Replaces a deleted message's text with a sealed empty one, at its place. */
    ConversationLedger.Eraser eraser(GroupId id, GroupRows.Entry entry) {
        String entryHex = HexFormat.of().formatHex(entry.entryId());
        byte[] empty = cipher.seal(new byte[0], bodyContext(entryHex, id.bytes(), entry.sender()));
        return connection -> ConversationRows.replaceGroupBody(connection, entry.entryId(), empty);
    }

    /** The stored posts (as sent) among {@code ids}; completes on the storage thread. */
    CompletableFuture<List<byte[]>> posts(GroupId group, List<ByteString> ids) {
        byte[] groupId = group.bytes();
        return storage.submit(connection -> {
            List<byte[]> posts = new ArrayList<>();
            for (ByteString id : ids) {
                GroupRows.post(connection, groupId, id.toByteArray()).ifPresent(posts::add);
            }
            return posts;
        });
    }

    /**
     * Loads every group, its ops, keys and log links into {@code directory}, then runs
     * {@code more}. Blocking: call before the loop serves anything.
     */
    void load(GroupDirectory directory, Loader more) {
        storage.submit(connection -> {
            try {
                SealedPlaces.bindOnce(connection, cipher);
                loadRows(connection, directory);
                restored = RestoreMark.isSet(connection);
                more.load(connection);
            } catch (GroupException | InvalidProtocolBufferException e) {
                throw new GroupFailure("a stored group does not load: " + e.getMessage());
            }
            return null;
        }).join();
        directory.all().forEach(state -> state.membership = Membership.replay(state.id, state.ops.values()));
    }

    private void loadRows(Connection connection, GroupDirectory directory)
            throws SQLException, GroupException, InvalidProtocolBufferException {
        for (GroupRows.Group row : GroupRows.groups(connection)) {
            GroupId id = GroupId.of(row.groupId());
            String name = new String(cipher.open(row.name(), nameContext(id)), StandardCharsets.UTF_8);
            directory.add(new GroupState(id, name, row.status(),
                    row.invitedBy() == null ? null : parse(row.invitedBy()), row.createdMillis()));
        }
        for (GroupRows.Op row : GroupRows.ops(connection)) {
            MembershipOp op = MembershipOp.verify(MembershipOpProto.parseFrom(
                    cipher.open(row.sealedOp(), SealedPlaces.groupOp(row.groupId(), row.opId()))));
            directory.get(op.groupId()).ops.put(ByteString.copyFrom(op.id()), op);
        }
        for (GroupRows.Key row : GroupRows.keys(connection)) {
            GroupState state = directory.get(GroupId.of(row.groupId()));
            SenderKey key = SenderKey.fromBytes(cipher.open(row.state(), keyContext(state.id, row.keyId())));
            PeerId owner = parse(row.owner());
            state.putKey(owner, key);
            if (key.isOwn() && !key.isStale(key.iteration()) && state.joined()) {
                state.ownKey = key;
            }
        }
        for (GroupRows.Entry row : GroupRows.entryLinks(connection)) {
            List<ByteString> parents = new ArrayList<>();
            for (int at = 0; at + 32 <= row.parents().length; at += 32) {
                parents.add(ByteString.copyFrom(row.parents(), at, 32));
            }
            directory.get(GroupId.of(row.groupId())).log.add(
                    new GroupLog.Entry(ByteString.copyFrom(row.entryId()), row.lamport(), parents));
        }
        for (byte[][] action : ConversationRows.actionEntries(connection)) {
            directory.get(GroupId.of(action[0])).actionEntries.add(ByteString.copyFrom(action[1]));
        }
    }

    private static String nameContext(GroupId id) {
        return "group-name:" + id;
    }

    private static String keyContext(GroupId id, byte[] keyId) {
        return "group-key:" + id + ":" + HexFormat.of().formatHex(keyId);
    }

    private static String bodyContext(String entryId, byte[] groupId, String sender) {
        return SealedPlaces.groupMessageBody(HexFormat.of().parseHex(entryId), groupId, sender);
    }

    private static PeerId parse(String peerId) {
        try {
            return PeerId.parse(peerId);
        } catch (InvalidPeerIdException e) {
            throw new GroupFailure("the database holds an invalid peer ID");
        }
    }
}
