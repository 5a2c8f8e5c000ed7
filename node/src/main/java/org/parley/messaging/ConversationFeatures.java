package org.parley.messaging;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.parley.identity.PeerId;

/**
 * Replies, reactions, edits and deletions of direct messages, as the user makes them. Each
 * travels to the peer through the session's ratchet; each future completes with the message as
 * now shown, once the change is stored. Called on the node's loop.
 */
public interface ConversationFeatures {
    /** Sends {@code text} quoting the message {@code replyTo} of this conversation. */
    CompletableFuture<MessageRecord> send(PeerId peer, String text, Optional<MessageId> replyTo);

    /** Our one reaction to a message of the conversation with {@code peer}; an empty emoji takes it back. */
    CompletableFuture<MessageRecord> react(PeerId peer, MessageId target, String emoji);

    /** A new text for one of our messages. */
    CompletableFuture<MessageRecord> edit(PeerId peer, MessageId target, String text);

    /** Deletes one of our messages for everyone: our copy at once, the peer's when its client honours it. */
    CompletableFuture<MessageRecord> delete(PeerId peer, MessageId target);
}
