package org.parley.overlay.discovery;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.logging.Logger;
import org.parley.identity.PeerId;
import org.parley.link.LinkControl;
import org.parley.overlay.record.PeerRecord;
import org.parley.overlay.record.PeerRecordBook;
import org.parley.overlay.record.PeerRecordException;
import org.parley.overlay.record.RecordVerifier;
import org.parley.runtime.Clock;

/**
 * Records that neighbours send, checked before they are stored in the book: a neighbour that
 * passes on forged or malformed ones is scored down, and the listeners hear of every record that
 * is news. Confined to the node's loop.
 */
final class RecordIntake {
    private static final Logger LOG = Logger.getLogger(RecordIntake.class.getName());

    private final PeerId self;
    private final LinkControl links;
    private final Clock clock;
    private final PeerRecordBook book;
    private final RecordVerifier verifier;
    private final List<Consumer<PeerRecord>> listeners = new CopyOnWriteArrayList<>();

    RecordIntake(PeerId self, LinkControl links, Clock clock, PeerRecordBook book, RecordVerifier verifier) {
        this.self = self;
        this.links = links;
        this.clock = clock;
        this.book = book;
        this.verifier = verifier;
    }

    void addListener(Consumer<PeerRecord> listener) {
        listeners.add(listener);
    }

    /** The record {@code from} sent, checked; empty (and {@code from} scored down) when it fails. */
    Optional<PeerRecord> verify(PeerId from, org.parley.proto.wire.v1.PeerRecord proto) {
        try {
            return Optional.of(verifier.verify(proto, clock.nowMillis()));
        } catch (PeerRecordException e) {
            refuse(from, e);
            return Optional.empty();
        }
    }

    /** Stores {@code record}, passed on by {@code from}, telling the listeners when it is news. */
    void offer(PeerId from, PeerRecord record) {
        if (record.peer().equals(self)) {
            return;
        }
        try {
            if (book.offer(record, clock.nowMillis(), from) != PeerRecordBook.Admission.DUPLICATE) {
                listeners.forEach(listener -> listener.accept(record));
            }
        } catch (PeerRecordException e) {
            refuse(from, e);
        }
    }

    private void refuse(PeerId from, PeerRecordException e) {
        LOG.fine(() -> "refused a record from " + from.shortForm() + ": " + e.getMessage());
        links.penalize(from, e.rejection(), "record from a peer exchange");
    }
}
