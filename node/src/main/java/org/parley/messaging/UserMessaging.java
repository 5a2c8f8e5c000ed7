package org.parley.messaging;

/** Everything of direct messaging the local API offers its user: conversations, contacts, outbox status. */
public interface UserMessaging extends Conversations, ConversationFeatures, ContactBook, OutboxStatus {
    /** Read receipts and typing indicators. */
    ConversationSignals signals();
}
