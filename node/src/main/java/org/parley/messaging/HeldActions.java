package org.parley.messaging;

import com.google.protobuf.InvalidProtocolBufferException;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.logging.Logger;
import org.parley.identity.InvalidPeerIdException;
import org.parley.identity.PeerId;
import org.parley.store.ContentCipher;
import org.parley.store.HeldActionRows;
import org.parley.store.SealedPlaces;

/**
 * Reactions, edits and deletions that come before the message they name (a mailbox or a gossip
 * path overtook it; back-fill brings it later): held on disk, sealed, and judged when the message
 * comes, in the transaction that stores it, exactly as if they had come after it. Bounded: at most
 * {@link #MAX_PER_CONVERSATION} per conversation (a peer or a group), each for {@link #HOLD}; an
 * action beyond that is dropped as before. Runs inside storage transactions; direct messages and
 * groups alike.
 */
public final class HeldActions {
    private static final Logger LOG = Logger.getLogger(HeldActions.class.getName());
    /** Actions held per conversation, at most: a peer cannot fill the disk with actions on nothing. */
    public static final int MAX_PER_CONVERSATION = 64;
    /** How long an action waits for its message: as long as a message may be on its way. */
    public static final Duration HOLD = Duration.ofDays(7);

    private final ContentCipher cipher;
    private final ConversationLedger ledger;

    public HeldActions(ContentCipher cipher, ConversationLedger ledger) {
        this.cipher = cipher;
        this.ledger = ledger;
    }

    /** Holds {@code action} by {@code actor}; false when the conversation holds its maximum already. */
    public boolean hold(Connection connection, String conversation, ConversationAction action, PeerId actor,
                        long nowMillis) throws SQLException {
        HeldActionRows.expire(connection, nowMillis);
        if (HeldActionRows.count(connection, conversation) >= MAX_PER_CONVERSATION) {
            return false;
        }
        byte[] sealed = cipher.seal(action.toProto().toByteArray(),
                SealedPlaces.heldAction(conversation, action.actionId(), actor.toString()));
        HeldActionRows.hold(connection, new HeldActionRows.Held(conversation, action.actionId(), action.target(),
                actor.toString(), sealed, action.order(), nowMillis + HOLD.toMillis()));
        return true;
    }

    /**
     * Judges and applies, oldest first, the actions held for {@code target}, a message by
     * {@code author} just stored; returns their verdicts (empty when none was held).
     */
    public List<ConversationRules.Verdict> release(Connection connection, String conversation, byte[] target,
                                                   PeerId author, ConversationLedger.Eraser eraser, long nowMillis)
            throws SQLException {
        List<ConversationRules.Verdict> verdicts = new ArrayList<>();
        for (HeldActionRows.Held held : HeldActionRows.take(connection, conversation, target)) {
            if (held.heldUntilMillis() <= nowMillis) {
                continue;
            }
            Optional<Released> released = open(held);
            if (released.isEmpty()) {
                continue;
            }
            verdicts.add(ledger.apply(connection, conversation, released.get().action(), released.get().actor(),
                    Optional.of(author), eraser));
        }
        return verdicts;
    }

    private record Released(ConversationAction action, PeerId actor) {
    }

    private Optional<Released> open(HeldActionRows.Held held) {
        try {
            byte[] plain = cipher.open(held.action(),
                    SealedPlaces.heldAction(held.conversation(), held.actionId(), held.actor()));
            ConversationAction action = ConversationAction.parse(
                    org.parley.proto.wire.v1.ConversationAction.parseFrom(plain), held.target().length,
                    Integer.MAX_VALUE, held.order(), held.actionId());
            return Optional.of(new Released(action, PeerId.parse(held.actor())));
        } catch (InvalidProtocolBufferException | EnvelopeException | InvalidPeerIdException e) {
            // Checked when it was held: only a damaged row comes here.
            LOG.warning("a held action could not be read back; dropped");
            return Optional.empty();
        }
    }
}
