package org.parley.api;

import java.util.Optional;

/**
 * Replies, reactions, edits and deletions, in direct messages and groups. Each change goes to the
 * peer or the group inside the end-to-end session; each call returns the message acted on as now
 * shown here. Only a message's author may edit or delete it ({@code PERMISSION_DENIED}
 * otherwise); a reaction is one emoji of at most 32 bytes, and each person has one per message
 * (an empty emoji takes it back). A node that does not offer these refuses them
 * ({@code FAILED_PRECONDITION}).
 */
public interface ConversationApi {
    /** Sends {@code text} to a peer, replying to (quoting) one of the conversation's messages when given. */
    default MessageView send(String peerId, String text, Optional<String> replyToId) throws ApiException {
        throw unsupported();
    }

    default MessageView react(String peerId, String messageId, String emoji) throws ApiException {
        throw unsupported();
    }

    default MessageView edit(String peerId, String messageId, String text) throws ApiException {
        throw unsupported();
    }

    /** Deletes one of our messages for everyone: our copy at once, the peer's when its client honours it. */
    default MessageView delete(String peerId, String messageId) throws ApiException {
        throw unsupported();
    }

    /** Posts to a group, replying to (quoting) one of its messages when given. */
    default GroupMessageView sendToGroup(String groupId, String text, Optional<String> replyToEntryId)
            throws ApiException {
        throw unsupported();
    }

    default GroupMessageView reactInGroup(String groupId, String entryId, String emoji) throws ApiException {
        throw unsupported();
    }

    default GroupMessageView editInGroup(String groupId, String entryId, String text) throws ApiException {
        throw unsupported();
    }

    default GroupMessageView deleteInGroup(String groupId, String entryId) throws ApiException {
        throw unsupported();
    }

    private static ApiException unsupported() {
        return new ApiException(ApiException.Kind.FAILED_PRECONDITION,
                "this node does not offer replies, reactions, edits or deletions");
    }
}
