package org.parley.groups;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.parley.identity.Identity;
import org.parley.identity.PeerId;
import org.parley.link.EmbeddedLinks;
import org.parley.messaging.GroupSignalTransport;
import org.parley.proto.wire.v1.GroupSignal;
import org.parley.proto.wire.v1.GroupText;
import org.parley.runtime.VirtualScheduler;
import org.parley.store.ContentCipher;
import org.parley.store.Database;
import org.parley.store.InlineStorageQueue;

/**
 * The shared parts of one member's groups (directory, storage on a real SQLite file, control sent
 * once, post intake) on a virtual loop, for tests of each part alone. Control sent is recorded.
 */
final class GroupParts implements AutoCloseable {
    static final SecureRandom RANDOM = new SecureRandom();

    final VirtualScheduler loop = new VirtualScheduler(1_700_000_000_000L);
    final EmbeddedLinks links = new EmbeddedLinks();
    final Identity me = Identity.generate("me", RANDOM);
    final Database database;
    final GroupDirectory directory = new GroupDirectory(me.peerId(), links);
    final GroupStorage storage;
    final Map<PeerId, List<GroupSignal>> sent = new HashMap<>();
    /** Records what is sent; every member counts as linked, so nothing is carried. */
    final OneShotSignal control = new OneShotSignal(me.peerId(), new GroupSignalTransport() {
        @Override
        public boolean sendGroupSignal(PeerId peer, byte[] bytes) {
            try {
                sent.computeIfAbsent(peer, p -> new ArrayList<>()).add(GroupSignal.parseFrom(bytes));
            } catch (InvalidProtocolBufferException e) {
                throw new AssertionError(e);
            }
            return true;
        }

        @Override
        public boolean carryGroupSignal(PeerId peer, byte[] bytes) {
            throw new AssertionError("carried although sent over a link");
        }
    });
    final List<GroupMessageRecord> added = new ArrayList<>();
    final PostIntake posts;

    GroupParts(Path directory) {
        this(directory, PostVerifier.INLINE);
    }

    /** The same, posts checked by {@code verifier}. */
    GroupParts(Path directory, PostVerifier verifier) {
        byte[] contentKey = new byte[32];
        RANDOM.nextBytes(contentKey);
        database = Database.open(directory.resolve("me.db"));
        storage = new GroupStorage(new InlineStorageQueue(database), new ContentCipher(contentKey, RANDOM), loop);
        posts = new PostIntake(this.directory, storage, control, loop, loop, List.of(added::add), verifier);
    }

    /** A group we joined, founded by {@code founder} (its admin), {@code members} added; stored. */
    GroupState group(Identity founder, List<Identity> members) {
        byte[] nonce = new byte[GroupId.NONCE_SIZE];
        RANDOM.nextBytes(nonce);
        GroupId id = GroupId.derive(founder.peerId().publicKey(), nonce);
        long now = loop.nowMillis();
        List<MembershipOp> ops = new ArrayList<>();
        ops.add(MembershipOp.sign(founder, id, MembershipOp.Kind.CREATE, founder.peerId(), true, List.of(), now, "club",
                nonce));
        for (Identity member : members) {
            ops.add(MembershipOp.sign(founder, id, MembershipOp.Kind.ADD, member.peerId(), false,
                    List.of(ops.get(ops.size() - 1)), now, "", new byte[0]));
        }
        GroupState state = new GroupState(id, "club", GroupRecord.JOINED, null, now);
        List<GroupStorage.Rows> rows = new ArrayList<>();
        rows.add(storage.groupRow(state));
        for (MembershipOp op : ops) {
            state.ops.put(ByteString.copyFrom(op.id()), op);
            rows.add(storage.opRow(state, op));
        }
        state.membership = Membership.replay(id, state.ops.values());
        directory.add(state);
        commit(GroupStorage.all(rows));
        return state;
    }

    /** Commits {@code rows} and waits for the commit to come back on the loop. */
    void commit(GroupStorage.Rows rows) {
        var committed = storage.commit(rows);
        loop.runUntilIdle();
        committed.join();
    }

    /** A post sealed under {@code key} (whose owner is whoever holds it). */
    byte[] post(GroupState state, SenderKey key, String text, long lamport, List<ByteString> parents) {
        byte[] messageId = new byte[16];
        RANDOM.nextBytes(messageId);
        GroupText plain = GroupText.newBuilder().setMessageId(ByteString.copyFrom(messageId))
                .setSentAtMs(loop.nowMillis()).setLamport(lamport).addAllParents(parents).setText(text).build();
        return key.seal(plain.toByteArray(), state.id.bytes(), loop.nowMillis(), RANDOM).toBytes();
    }

    static ByteString entryId(byte[] post) {
        try {
            return ByteString.copyFrom(GroupPost.parse(post).entryId());
        } catch (GroupException e) {
            throw new AssertionError(e);
        }
    }

    static ByteString randomId() {
        byte[] id = new byte[32];
        RANDOM.nextBytes(id);
        return ByteString.copyFrom(id);
    }

    /** Control sent to {@code peer} so far, then forgets it. */
    List<GroupSignal> takeSent(PeerId peer) {
        List<GroupSignal> controls = sent.remove(peer);
        return controls == null ? List.of() : controls;
    }

    @Override
    public void close() {
        database.close();
    }
}
