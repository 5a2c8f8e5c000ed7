package org.parley.messaging;

import java.sql.Connection;
import java.sql.SQLException;
import org.parley.identity.PeerId;
import org.parley.proto.wire.v1.FileOffer;

/**
 * Where file offers that arrive with a message go (the files layer, which messaging does not
 * know): first inside the transaction that stores the message, so an offer is kept exactly when
 * its message is, then on the loop once that committed.
 */
public interface FileOfferIntake {
    /** Stores the offer with its message; {@code request} when the sender is no contact. */
    void store(Connection connection, PeerId sender, MessageId id, FileOffer offer, boolean request, long receivedAt)
            throws SQLException;

    /** The message and its offer are committed (on the loop). */
    void stored(PeerId sender, MessageId id, FileOffer offer, boolean request);
}
