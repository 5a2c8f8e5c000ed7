package org.parley.messaging;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.parley.identity.PeerId;

/**
 * Read receipts and typing indicators of direct messages (decision 0053), as the user turns them
 * on and makes them. Each is off for every contact until the user turns it on, never sent to or
 * taken from a peer who is not a contact, and reciprocal: a contact's own receipts and typing are
 * shown only while we send ours to it. Called on the node's loop.
 */
public interface ConversationSignals {
    /** A contact's two switches. */
    record Switches(boolean readReceipts, boolean typing) {
        public static final Switches OFF = new Switches(false, false);
    }

    /**
     * What marking read did.
     *
     * @param upTo the newest of the peer's messages now read; empty when none was newer than the mark
     * @param receiptSent whether a read receipt went to the peer
     */
    record Marked(Optional<MessageId> upTo, boolean receiptSent) {
    }

    /** Turns either switch for a contact on or off (empty: unchanged); fails for a peer who is not a contact. */
    CompletableFuture<Switches> setSwitches(PeerId peer, Optional<Boolean> readReceipts, Optional<Boolean> typing);

    /** A peer's switches; {@link Switches#OFF} for one never set. */
    Switches switchesOf(PeerId peer);

    /**
     * Marks the conversation read up to {@code upTo} (one of the peer's messages), or its newest;
     * the mark never moves back. A read receipt naming it follows when read receipts are on.
     */
    CompletableFuture<Marked> markRead(PeerId peer, Optional<MessageId> upTo);

    /**
     * The user is typing to {@code peer} ({@code active}) or stopped: sent over a live link when
     * typing indicators are on, a start at most once every {@link TypingSignals#SEND_EVERY}.
     * Whether it went out.
     */
    boolean typing(PeerId peer, boolean active);
}
