package org.parley.groups;

import org.parley.identity.InvalidPeerIdException;
import org.parley.identity.PeerId;
import org.parley.messaging.ConversationAction;
import org.parley.messaging.EnvelopeException;
import org.parley.proto.wire.v1.GroupText;
import org.parley.store.GroupRows;

/**
 * Reactions, edits and deletions in a group, as posts carry them: their shape, and who wrote the
 * message they act on. The actor is the owner of the sender key that signed the post; a post's
 * Lamport number orders two changes of one message, its message ID breaks a tie.
 */
final class GroupActions {
    /** A group log entry ID: SHA-256. */
    static final int ENTRY_ID_SIZE = 32;

    private GroupActions() {
    }

    /** The action a post carries, checked in shape. */
    static ConversationAction parse(GroupText text) throws GroupException {
        try {
            return ConversationAction.parse(text.getConversationAction(), ENTRY_ID_SIZE, Groups.MAX_TEXT_BYTES,
                    text.getLamport(), text.getMessageId().toByteArray());
        } catch (EnvelopeException e) {
            throw new GroupException(e.rejection(), e.getMessage());
        }
    }

    /** Who wrote a stored message. */
    static PeerId author(GroupRows.Entry entry) {
        try {
            return PeerId.parse(entry.sender());
        } catch (InvalidPeerIdException e) {
            throw new GroupFailure("the database holds an invalid peer ID");
        }
    }
}
