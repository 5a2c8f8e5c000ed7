package org.parley.groups;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.parley.identity.Identity;

/** Group storage alone: what is committed loads back whole; history names only entries it holds. */
class GroupStorageTest {
    @TempDir
    Path folder;

    private GroupParts parts;
    private final Identity alice = Identity.generate("alice", GroupParts.RANDOM);

    @BeforeEach
    void open() {
        parts = new GroupParts(folder);
    }

    @AfterEach
    void close() {
        parts.close();
    }

    @Test
    void whatWasCommittedLoadsBackIntoAFreshDirectory() throws GroupException {
        GroupState state = parts.group(alice, List.of(parts.me));
        SenderKey ours = SenderKey.generate(GroupParts.RANDOM);
        state.putKey(parts.me.peerId(), ours);
        byte[] post = parts.post(state, ours, "kept", 1, List.of());
        ByteString entry = GroupParts.entryId(post);
        GroupMessageRecord record = new GroupMessageRecord(state.id, HexFormat.of().formatHex(entry.toByteArray()),
                parts.me.peerId(), "kept", 5, 6, 1);
        parts.commit(GroupStorage.all(List.of(parts.storage.keyRow(state, parts.me.peerId(), ours),
                parts.storage.entryRow(state, record, new byte[16], List.of(), GroupPost.parse(post)))));
        boolean[] moreLoaded = new boolean[1];

        GroupDirectory fresh = new GroupDirectory(parts.me.peerId(), parts.links);
        parts.storage.load(fresh, connection -> moreLoaded[0] = true);

        GroupState loaded = fresh.get(state.id);
        assertEquals("club", loaded.name);
        assertEquals(GroupRecord.JOINED, loaded.status);
        assertEquals(state.membership.members(), loaded.membership.members());
        assertEquals(parts.me.peerId(), loaded.keyOwners.get(ByteString.copyFrom(ours.keyId())));
        assertEquals(ByteString.copyFrom(ours.keyId()), ByteString.copyFrom(loaded.ownKey.keyId()));
        assertTrue(loaded.log.hasRead(entry));
        assertTrue(moreLoaded[0], "the extra loader ran in the same pass");
        assertEquals(List.of(record), parts.storage.history(state.id, 10, Optional.empty()).join());
    }

    @Test
    void historyBeforeAnEntryTheGroupDoesNotHoldFails() {
        GroupState state = parts.group(alice, List.of(parts.me));

        CompletionException failure = assertThrows(CompletionException.class, () -> parts.storage
                .history(state.id, 10, Optional.of(GroupParts.randomId().toByteArray())).join());

        assertInstanceOf(GroupFailure.class, failure.getCause());
    }

    @Test
    void aGroupStoredWithLegacyOpsLoadsAndGoesOnWithCausalOps() {
        Identity bob = Identity.generate("bob", GroupParts.RANDOM);
        byte[] nonce = new byte[GroupId.NONCE_SIZE];
        GroupParts.RANDOM.nextBytes(nonce);
        GroupId id = GroupId.derive(alice.peerId().publicKey(), nonce);
        List<MembershipOp> legacy = List.of(
                MembershipOp.signLegacy(alice, id, MembershipOp.Kind.CREATE, alice.peerId(), true, 1, 0, "old", nonce),
                MembershipOp.signLegacy(alice, id, MembershipOp.Kind.ADD, parts.me.peerId(), false, 2, 0, "",
                        new byte[0]),
                MembershipOp.signLegacy(alice, id, MembershipOp.Kind.ADD, bob.peerId(), true, 3, 0, "", new byte[0]));
        GroupState state = new GroupState(id, "old", GroupRecord.JOINED, alice.peerId(), 0);
        List<GroupStorage.Rows> rows = new java.util.ArrayList<>(List.of(parts.storage.groupRow(state)));
        legacy.forEach(op -> rows.add(parts.storage.opRow(state, op)));
        parts.commit(GroupStorage.all(rows));

        GroupDirectory fresh = new GroupDirectory(parts.me.peerId(), parts.links);
        parts.storage.load(fresh, connection -> { });
        GroupState loaded = fresh.get(id);

        assertEquals(java.util.Map.of(alice.peerId(), true, parts.me.peerId(), false, bob.peerId(), true),
                loaded.membership.members());
        assertEquals(List.of(legacy.get(2)), loaded.membership.heads());
        MembershipOp removeMe = MembershipOp.sign(bob, id, MembershipOp.Kind.REMOVE, parts.me.peerId(), false,
                loaded.membership.heads(), 0, "", new byte[0]);
        java.util.List<MembershipOp> after = new java.util.ArrayList<>(loaded.ops.values());
        after.add(removeMe);
        assertEquals(java.util.Map.of(alice.peerId(), true, bob.peerId(), true),
                Membership.replay(id, after).members(), "a causal op after the legacy ones takes effect");
    }

    @Test
    void aGroupWhoseOpsWereStoredInClearLoadsAndItsNameAndMembersAreSealed() {
        byte[] nonce = new byte[GroupId.NONCE_SIZE];
        GroupParts.RANDOM.nextBytes(nonce);
        GroupId id = GroupId.derive(alice.peerId().publicKey(), nonce);
        MembershipOp create = MembershipOp.sign(alice, id, MembershipOp.Kind.CREATE, alice.peerId(), true, List.of(),
                0, "Secret-Tenants-Union", nonce);
        MembershipOp addMe = MembershipOp.sign(alice, id, MembershipOp.Kind.ADD, parts.me.peerId(), false,
                List.of(create), 0, "", new byte[0]);
        GroupState state = new GroupState(id, "Secret-Tenants-Union", GroupRecord.JOINED, alice.peerId(), 0);
        // As the code before sealing wrote them: the ops in clear, and schema 7 noting rows to bind.
        parts.commit(GroupStorage.all(List.of(parts.storage.groupRow(state),
                connection -> org.parley.store.GroupRows.putOp(connection, id.bytes(), create.id(),
                        create.toProto().toByteArray()),
                connection -> org.parley.store.GroupRows.putOp(connection, id.bytes(), addMe.id(),
                        addMe.toProto().toByteArray()),
                connection -> connection.createStatement().execute(
                        "UPDATE settings SET value = x'00' WHERE key = 'sealed-places'"))));

        GroupDirectory fresh = new GroupDirectory(parts.me.peerId(), parts.links);
        parts.storage.load(fresh, connection -> { });
        assertEquals(java.util.Map.of(alice.peerId(), true, parts.me.peerId(), false),
                fresh.get(id).membership.members());
        List<byte[]> stored = parts.database.inTransaction(connection ->
                org.parley.store.GroupRows.ops(connection).stream().map(org.parley.store.GroupRows.Op::sealedOp).toList());
        assertEquals(2, stored.size());
        for (byte[] op : stored) {
            String raw = new String(op, java.nio.charset.StandardCharsets.ISO_8859_1);
            assertTrue(!raw.contains("Secret-Tenants-Union") && !raw.contains(new String(parts.me.peerId().publicKey(), java.nio.charset.StandardCharsets.ISO_8859_1)),
                    "the name and the members are sealed");
        }
        GroupDirectory again = new GroupDirectory(parts.me.peerId(), parts.links);
        parts.storage.load(again, connection -> { });
        assertEquals(2, again.get(id).ops.size(), "bound once: the second load opens what the first sealed");
    }
}
