package org.parley.mailbox;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.parley.identity.PeerId;
import org.parley.proto.wire.v1.WireEnvelope;

/** Where a replica writes down what it holds, so that held mail survives a restart. */
interface MailJournal {
    /** For nodes without a disk (the simulator): held mail lives as long as the process. */
    MailJournal IN_MEMORY = new MailJournal() {
        @Override
        public CompletableFuture<Void> held(List<HeldItem<PeerId, WireEnvelope>> taken) {
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public void dropped(List<HeldItem<PeerId, WireEnvelope>> gone) {
        }
    };

    /** Completes once the envelopes are written: only then may the replica say it holds them. */
    CompletableFuture<Void> held(List<HeldItem<PeerId, WireEnvelope>> taken);

    void dropped(List<HeldItem<PeerId, WireEnvelope>> gone);
}
