package org.parley.messaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.parley.identity.Identity;
import org.parley.identity.PeerId;
import org.parley.store.ContentCipher;
import org.parley.store.ConversationRows;
import org.parley.store.Database;

/** The bounds of the actions held for messages that have not come: how many, how long, whose. */
class HeldActionsTest {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String CONVERSATION = "dm:test";
    private static final long NOW = 1_700_000_000_000L;

    @TempDir
    Path directory;

    private Database database;
    private HeldActions held;
    private ConversationLedger ledger;
    private final PeerId bob = Identity.generate("bob", RANDOM).peerId();

    @BeforeEach
    void open() {
        database = Database.open(directory.resolve("held.db"));
        byte[] key = new byte[32];
        RANDOM.nextBytes(key);
        ContentCipher cipher = new ContentCipher(key, RANDOM);
        ledger = new ConversationLedger(cipher);
        held = new HeldActions(cipher, ledger);
    }

    @AfterEach
    void close() {
        database.close();
    }

    private static ConversationAction edit(byte[] target, String text, long order) {
        byte[] id = new byte[16];
        RANDOM.nextBytes(id);
        return new ConversationAction(ConversationAction.Kind.EDIT, target, text, order, id);
    }

    private static byte[] target() {
        byte[] target = new byte[16];
        RANDOM.nextBytes(target);
        return target;
    }

    @Test
    void aConversationHoldsAtMostItsMaximumAndAFullOneDropsTheNewest() {
        boolean[] last = new boolean[1];
        database.inTransaction(connection -> {
            for (int i = 0; i < HeldActions.MAX_PER_CONVERSATION; i++) {
                assertTrue(held.hold(connection, CONVERSATION, edit(target(), "x", i), bob, NOW));
            }
            last[0] = held.hold(connection, CONVERSATION, edit(target(), "x", 99), bob, NOW);
            assertTrue(held.hold(connection, "dm:other", edit(target(), "x", 1), bob, NOW),
                    "another conversation has room of its own");
            return null;
        });
        assertFalse(last[0]);
    }

    @Test
    void heldActionsApplyInTheirOrderAndOnlyUntilTheirHoldEnds() {
        byte[] message = target();
        byte[] late = target();
        List<ConversationRules.Verdict> verdicts = database.inTransaction(connection -> {
            held.hold(connection, CONVERSATION, edit(message, "second", 20), bob, NOW);
            held.hold(connection, CONVERSATION, edit(message, "first", 10), bob, NOW);
            held.hold(connection, CONVERSATION, edit(late, "too late", 10), bob, NOW);
            return held.release(connection, CONVERSATION, message, bob, ignored -> { }, NOW + 1);
        });
        assertEquals(List.of(ConversationRules.Verdict.APPLY, ConversationRules.Verdict.APPLY), verdicts);
        String shown = database.inTransaction(connection ->
                ledger.shown(connection, CONVERSATION, message, "original").text());
        assertEquals("second", shown, "the later by order wins, as if they had come after the message");

        List<ConversationRules.Verdict> expired = database.inTransaction(connection -> held.release(connection,
                CONVERSATION, late, bob, ignored -> { }, NOW + HeldActions.HOLD.toMillis() + 1));
        assertTrue(expired.isEmpty(), "a hold that ended applies nothing");
        assertTrue(database.inTransaction(connection -> ConversationRows.change(connection, CONVERSATION, late))
                .isEmpty());
    }

    @Test
    void aHeldEditByAnotherThanTheAuthorIsJudgedNotAllowed() {
        byte[] message = target();
        PeerId carol = Identity.generate("carol", RANDOM).peerId();
        List<ConversationRules.Verdict> verdicts = database.inTransaction(connection -> {
            held.hold(connection, CONVERSATION, edit(message, "forged", 1), carol, NOW);
            return held.release(connection, CONVERSATION, message, bob, ignored -> { }, NOW + 1);
        });
        assertEquals(List.of(ConversationRules.Verdict.NOT_AUTHOR), verdicts);
        assertEquals(Optional.empty(), database.inTransaction(connection ->
                ConversationRows.change(connection, CONVERSATION, message)).map(change ->
                new String(change.editedBody(), StandardCharsets.UTF_8)));
    }
}
