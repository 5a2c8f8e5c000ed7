package org.parley.api;

import java.util.Optional;

/**
 * Read receipts and typing indicators of direct messages (decision 0053). Both are off for every
 * contact until turned on, never go to or come from a peer who is not a contact, and are
 * reciprocal: a contact's are shown only while we send ours. A node that does not offer them
 * refuses them ({@code FAILED_PRECONDITION}).
 */
public interface SignalsApi {
    /**
     * Turns read receipts and typing indicators for a contact on or off (empty: unchanged);
     * {@code FAILED_PRECONDITION} for a peer who is not a contact. Returns the contact as now.
     */
    default ContactView setSignals(String peerId, Optional<Boolean> readReceipts, Optional<Boolean> typing)
            throws ApiException {
        throw unsupported();
    }

    /**
     * Marks the conversation with a peer read up to one of its messages ({@code upToId}), or its
     * newest; the mark never moves back. A read receipt naming that message goes to the peer when
     * read receipts are on for it.
     */
    default MarkedReadView markRead(String peerId, Optional<String> upToId) throws ApiException {
        throw unsupported();
    }

    /**
     * The user is typing to a contact ({@code active}) or stopped. Goes out only over a live link
     * with typing indicators on, a start at most once every 3 s; whether it went out.
     */
    default boolean typing(String peerId, boolean active) throws ApiException {
        throw unsupported();
    }

    /**
     * Turns typing indicators in a group on or off (decision 0060; empty: unchanged): with them on
     * we tell linked members when we type there and show theirs; {@code NOT_FOUND} for no such
     * group. Returns the switch as now.
     */
    default boolean setGroupTyping(String groupId, Optional<Boolean> on) throws ApiException {
        throw unsupported();
    }

    /**
     * The user is typing in a group ({@code active}) or stopped. Goes to each linked member only
     * with typing indicators on in the group, a start at most once every 3 s; whether it went out.
     */
    default boolean groupTyping(String groupId, boolean active) throws ApiException {
        throw unsupported();
    }

    /**
     * Turns read marks in a group on or off (decision 0062; empty: unchanged): with them on we
     * tell members how far we read and show who read our posts; {@code NOT_FOUND} for no such
     * group. Returns the switch as now.
     */
    default boolean setGroupReadReceipts(String groupId, Optional<Boolean> on) throws ApiException {
        throw unsupported();
    }

    /**
     * Marks a group we joined read up to one of its entries ({@code upToEntryId}), or its newest;
     * the mark never moves back. It goes to each linked member when read marks are on there.
     */
    default MarkedReadView markGroupRead(String groupId, Optional<String> upToEntryId) throws ApiException {
        throw unsupported();
    }

    private static ApiException unsupported() {
        return new ApiException(ApiException.Kind.FAILED_PRECONDITION,
                "this node does not offer read receipts or typing indicators");
    }
}
