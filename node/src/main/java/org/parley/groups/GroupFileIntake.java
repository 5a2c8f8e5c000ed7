package org.parley.groups;

import java.sql.Connection;
import java.sql.SQLException;
import org.parley.identity.PeerId;
import org.parley.proto.wire.v1.FileOffer;

/**
 * Where file offers posted to a group go (the files layer, which groups do not know): first
 * inside the transaction that stores the post, so an offer is kept exactly when its post is, then
 * on the loop once that committed, before the post is told to listeners. Only posts that passed
 * every check (a member's sender key, signature, order) get here.
 */
public interface GroupFileIntake {
    /** Stores the offer with its post; {@code entryId} is the post's 32-byte log entry ID. */
    void store(Connection connection, GroupId group, PeerId sender, byte[] entryId, FileOffer offer, long receivedAt)
            throws SQLException;

    /** The post and its offer are committed (on the loop). */
    void stored(GroupId group, PeerId sender, byte[] entryId, FileOffer offer);
}
