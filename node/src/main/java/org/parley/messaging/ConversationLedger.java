package org.parley.messaging;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.parley.identity.PeerId;
import org.parley.store.ContentCipher;
import org.parley.store.ConversationRows;
import org.parley.store.SealedPlaces;

/**
 * Judges a reaction, edit or deletion by {@link ConversationRules} and writes what it changes, and
 * reads the changes back for display; direct messages and groups alike. Runs inside a storage
 * transaction, so the judgement and the write see one state. Edited texts and emoji are sealed
 * with the content key like message bodies; a deletion also erases the original text (the caller
 * says how, for its table) and the message's edits and reactions.
 */
public final class ConversationLedger {
    /** Replaces the original text of the deleted message with a sealed empty one. */
    @FunctionalInterface
    public interface Eraser {
        void erase(Connection connection) throws SQLException;
    }

    private final ContentCipher cipher;

    public ConversationLedger(ContentCipher cipher) {
        this.cipher = cipher;
    }

    /**
     * Judges {@code action} by {@code actor} on a target written by {@code author} (empty when this
     * side does not hold it) and, when allowed, writes it.
     */
    public ConversationRules.Verdict apply(Connection connection, String conversation, ConversationAction action,
                                           PeerId actor, Optional<PeerId> author, Eraser eraser) throws SQLException {
        byte[] target = action.target();
        Optional<ConversationRows.Change> change = ConversationRows.change(connection, conversation, target);
        Optional<ConversationRows.Reaction> own = action.kind() == ConversationAction.Kind.REACTION
                ? ConversationRows.reaction(connection, conversation, target, actor.toString()) : Optional.empty();
        ConversationRules.Verdict verdict = ConversationRules.judge(action, actor, author, change, own);
        if (verdict != ConversationRules.Verdict.APPLY) {
            return verdict;
        }
        switch (action.kind()) {
            case REACTION -> ConversationRows.putReaction(connection, conversation, target, new ConversationRows.Reaction(
                    actor.toString(), cipher.seal(action.valueBytes(),
                            SealedPlaces.reaction(conversation, target, actor.toString())),
                    action.order(), action.actionId()));
            case EDIT -> ConversationRows.putChange(connection, conversation, target, new ConversationRows.Change(
                    cipher.seal(action.valueBytes(), SealedPlaces.editedBody(conversation, target)),
                    action.order(), action.actionId(), false));
            case DELETION -> {
                ConversationRows.putChange(connection, conversation, target,
                        new ConversationRows.Change(null, action.order(), action.actionId(), true));
                ConversationRows.dropReactions(connection, conversation, target);
                eraser.erase(connection);
            }
        }
        return verdict;
    }

    /** Notes that {@code message} replies to {@code replyTo}. */
    public void reply(Connection connection, String conversation, byte[] message, byte[] replyTo) throws SQLException {
        ConversationRows.putReply(connection, conversation, message, replyTo);
    }

    /** A message's annotations, and the text to show for it given its stored {@code originalText}. */
    public Shown shown(Connection connection, String conversation, byte[] message, String originalText)
            throws SQLException {
        String replyTo = ConversationRows.replyTo(connection, conversation, message)
                .map(HexFormat.of()::formatHex).orElse(null);
        Optional<ConversationRows.Change> change = ConversationRows.change(connection, conversation, message);
        List<Annotations.Reacted> reactions = new ArrayList<>();
        for (ConversationRows.Reaction reaction : ConversationRows.reactions(connection, conversation, message)) {
            byte[] emoji = cipher.open(reaction.emoji(), SealedPlaces.reaction(conversation, message, reaction.reactor()));
            if (emoji.length > 0) {
                reactions.add(new Annotations.Reacted(reaction.reactor(), new String(emoji, StandardCharsets.UTF_8)));
            }
        }
        boolean deleted = change.isPresent() && change.get().deleted();
        boolean edited = change.isPresent() && change.get().editedBody() != null;
        String text = deleted ? "" : edited ? new String(cipher.open(change.get().editedBody(),
                SealedPlaces.editedBody(conversation, message)), StandardCharsets.UTF_8) : originalText;
        if (replyTo == null && !edited && !deleted && reactions.isEmpty()) {
            return new Shown(text, Annotations.NONE);
        }
        return new Shown(text, new Annotations(replyTo, edited && !deleted, deleted, List.copyOf(reactions)));
    }

    /** The text to show and the annotations of one message. */
    public record Shown(String text, Annotations annotations) {
    }
}
