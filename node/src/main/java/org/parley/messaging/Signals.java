package org.parley.messaging;

import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.parley.identity.PeerId;
import org.parley.runtime.Clock;
import org.parley.runtime.Scheduler;
import org.parley.store.StorageQueue;

/**
 * Read receipts and typing indicators (decision 0053), put together: the {@link SignalSwitches},
 * the {@link ReadReceipts} and the {@link TypingSignals}. What the user asks goes to them; what
 * the {@link EnvelopeIntake} decrypted is handed to them. Confined to the loop.
 */
final class Signals implements ConversationSignals {
    private final SignalSwitches switches;
    private final ReadReceipts reads;
    private final TypingSignals typing;

    Signals(StorageQueue storage, Contacts contacts, Courier courier, Scheduler loop, Clock clock, SecureRandom random,
            MessagingEvents events) {
        this.switches = new SignalSwitches(storage, contacts, loop);
        this.reads = new ReadReceipts(storage, switches, courier, contacts, loop, clock, random, events);
        this.typing = new TypingSignals(switches, courier, clock, random, events);
    }

    void load(Connection connection) throws SQLException {
        switches.load(connection);
    }

    @Override
    public CompletableFuture<Switches> setSwitches(PeerId peer, Optional<Boolean> readReceipts,
                                                   Optional<Boolean> typingOn) {
        return switches.set(peer, readReceipts, typingOn);
    }

    @Override
    public Switches switchesOf(PeerId peer) {
        return switches.of(peer);
    }

    @Override
    public CompletableFuture<Marked> markRead(PeerId peer, Optional<MessageId> upTo) {
        return reads.markRead(peer, upTo);
    }

    @Override
    public boolean typing(PeerId peer, boolean active) {
        return typing.send(peer, active);
    }

    ReadReceipts reads() {
        return reads;
    }

    TypingSignals typingSignals() {
        return typing;
    }
}
