package org.parley.groups;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.parley.link.Misbehaviour;

/** The sender-key chain: forward only, out of order within bounds, unchanged by failures. */
class SenderKeyTest {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final byte[] GROUP = new byte[16];

    private static SenderKey handedOut(SenderKey own) throws GroupException {
        return SenderKey.received(own.keyId(), own.iteration(), own.chainKey());
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void everyPostRatchetsTheChainAndOpensAtTheOtherEnd() throws Exception {
        SenderKey own = SenderKey.generate(RANDOM);
        SenderKey theirs = handedOut(own);
        for (int i = 0; i < 5; i++) {
            byte[] before = own.chainKey();
            GroupPost post = own.seal(bytes("m" + i), GROUP, 0, RANDOM);
            assertEquals(i, post.iteration());
            assertFalse(java.util.Arrays.equals(before, own.chainKey()), "the chain moved");
            assertTrue(post.signatureValid());
            assertArrayEquals(bytes("m" + i), theirs.open(post, GROUP));
        }
        assertEquals(5, theirs.iteration());
    }

    @Test
    void postsOutOfOrderOpenOnceEach() throws Exception {
        SenderKey own = SenderKey.generate(RANDOM);
        SenderKey theirs = handedOut(own);
        List<GroupPost> posts = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            posts.add(own.seal(bytes("m" + i), GROUP, 0, RANDOM));
        }
        assertArrayEquals(bytes("m9"), theirs.open(posts.get(9), GROUP));
        assertArrayEquals(bytes("m3"), theirs.open(posts.get(3), GROUP));
        GroupException again = assertThrows(GroupException.class, () -> theirs.open(posts.get(3), GROUP));
        assertEquals(Misbehaviour.BEFORE_KEY, again.rejection(), "a used step's key is gone");
        assertArrayEquals(bytes("m0"), theirs.open(posts.get(0), GROUP));
    }

    @Test
    void aKeyHandedOutLaterCannotOpenEarlierPosts() throws Exception {
        SenderKey own = SenderKey.generate(RANDOM);
        GroupPost early = own.seal(bytes("before you joined"), GROUP, 0, RANDOM);
        SenderKey newcomer = handedOut(own);
        GroupPost late = own.seal(bytes("welcome"), GROUP, 0, RANDOM);
        assertEquals(Misbehaviour.BEFORE_KEY,
                assertThrows(GroupException.class, () -> newcomer.open(early, GROUP)).rejection());
        assertArrayEquals(bytes("welcome"), newcomer.open(late, GROUP));
    }

    @Test
    void aMemberLearnedOfLateGetsTheStepOfTheFirstPostSinceItsAddButNoEarlierOne() throws Exception {
        SenderKey own = SenderKey.generate(RANDOM);
        long added = 1_000_000;
        GroupPost before = own.seal(bytes("before the add"), GROUP, added - 1, RANDOM);
        GroupPost after = own.seal(bytes("after the add, before we heard of it"), GROUP, added + 5, RANDOM);
        GroupPost later = own.seal(bytes("later"), GROUP, added + 9, RANDOM);
        SenderKey.Step step = own.stepSince(added, added + 10);
        SenderKey newcomer = SenderKey.received(own.keyId(), step.iteration(), step.chainKey());
        assertEquals(Misbehaviour.BEFORE_KEY,
                assertThrows(GroupException.class, () -> newcomer.open(before, GROUP)).rejection());
        assertArrayEquals(bytes("after the add, before we heard of it"), newcomer.open(after, GROUP));
        assertArrayEquals(bytes("later"), newcomer.open(later, GROUP));

        // An add stamped long ago (a backdating admin) reaches back no further than the recall window.
        long muchLater = added + SenderKey.RECALL_MILLIS + 8;
        assertEquals(2, own.stepSince(0, muchLater).iteration());
        assertEquals(own.iteration(), own.stepSince(added + 10, added + 10).iteration(),
                "an add after our last post gets the current step");
    }

    @Test
    void aFailedOpenChangesNothing() throws Exception {
        SenderKey own = SenderKey.generate(RANDOM);
        SenderKey theirs = handedOut(own);
        GroupPost post = own.seal(bytes("hi"), GROUP, 0, RANDOM);
        byte[] tampered = post.ciphertext().clone();
        tampered[tampered.length - 1] ^= 1;
        GroupPost bad = new GroupPost(post.keyId(), post.iteration(), tampered, post.signature());
        assertEquals(Misbehaviour.UNDECRYPTABLE, assertThrows(GroupException.class, () -> theirs.open(bad, GROUP))
                .rejection());
        assertEquals(Misbehaviour.UNDECRYPTABLE,
                assertThrows(GroupException.class, () -> theirs.open(post, new byte[16 + 1])).rejection(),
                "a post of another group does not open");
        assertEquals(0, theirs.iteration());
        assertArrayEquals(bytes("hi"), theirs.open(post, GROUP));
    }

    @Test
    void aStepTooFarAheadIsRefused() throws Exception {
        SenderKey own = SenderKey.generate(RANDOM);
        SenderKey theirs = SenderKey.received(own.keyId(), 0, own.chainKey());
        SenderKey ahead = SenderKey.fromBytes(own.toBytes());
        for (int i = 0; i <= SenderKey.MAX_SKIP; i++) {
            ahead.seal(bytes("x"), GROUP, 0, RANDOM);
        }
        GroupPost far = ahead.seal(bytes("far"), GROUP, 0, RANDOM);
        assertEquals(Misbehaviour.UNDECRYPTABLE, assertThrows(GroupException.class, () -> theirs.open(far, GROUP))
                .rejection());
    }

    @Test
    void aRetiredKeyIsStaleFromTheStepItWasReplacedAt() throws Exception {
        SenderKey own = SenderKey.generate(RANDOM);
        SenderKey theirs = handedOut(own);
        own.seal(bytes("a"), GROUP, 0, RANDOM);
        theirs.retire(1);
        assertFalse(theirs.isStale(0));
        assertTrue(theirs.isStale(1));
        SenderKey restored = SenderKey.fromBytes(theirs.toBytes());
        assertTrue(restored.isStale(1), "retirement survives storage");
        assertFalse(restored.isOwn());
    }

    @Test
    void grantsOfTheWrongShapeAreRefused() {
        assertThrows(GroupException.class, () -> SenderKey.received(new byte[31], 0, new byte[32]));
        assertThrows(GroupException.class, () -> SenderKey.received(new byte[32], 0, new byte[33]));
        assertThrows(GroupException.class, () -> SenderKey.received(new byte[32], -1, new byte[32]));
    }

    @Test
    void ownershipProvesOneOwnerOneGroupOneKeyAndNothingElse() {
        SenderKey own = SenderKey.generate(RANDOM);
        GroupId group = GroupId.derive(new byte[32], new byte[GroupId.NONCE_SIZE]);
        GroupId other = GroupId.derive(new byte[32], new byte[] {1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0});
        org.parley.identity.PeerId bob = org.parley.identity.Identity.generate("bob", RANDOM).peerId();
        org.parley.identity.PeerId mallory = org.parley.identity.Identity.generate("mallory", RANDOM).peerId();
        byte[] proof = own.ownership(group, bob);

        assertTrue(SenderKey.ownedBy(own.keyId(), group, bob, proof));
        assertFalse(SenderKey.ownedBy(own.keyId(), group, mallory, proof), "forwarded as another's");
        assertFalse(SenderKey.ownedBy(own.keyId(), other, bob, proof), "carried into another group");
        assertFalse(SenderKey.ownedBy(SenderKey.generate(RANDOM).keyId(), group, bob, proof), "claimed for another key");
        assertFalse(SenderKey.ownedBy(own.keyId(), group, bob, new byte[0]), "missing");
        assertFalse(SenderKey.ownedBy(own.keyId(), group, bob, java.util.Arrays.copyOf(proof, 63)), "truncated");
        assertThrows(IllegalStateException.class, () -> SenderKey.received(own.keyId(), 0, new byte[32])
                .ownership(group, bob), "only the key's holder signs");
    }
}
