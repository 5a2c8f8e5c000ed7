package org.parley.messaging;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.parley.identity.PeerId;

/** Direct messages as the user sends and reads them. Called on the node's loop. */
public interface Conversations {
    /**
     * Accepts a message for {@code peer}. The future completes once the message is committed to
     * the outbox, so an accepted message survives a crash.
     */
    CompletableFuture<MessageRecord> send(PeerId peer, String text);

    /** Up to {@code limit} messages with {@code peer}, oldest first, ending before {@code before}. */
    CompletableFuture<List<MessageRecord>> history(PeerId peer, int limit, Optional<MessageId> before);

    /** The newest message of each of up to {@code limit} peers who wrote without being a contact, newest first. */
    CompletableFuture<List<MessageRecord>> messageRequests(int limit);
}
