package org.parley.mailbox;

import java.util.concurrent.CompletableFuture;
import org.parley.identity.PeerId;
import org.parley.proto.wire.v1.WireEnvelope;

/** Where picked-up mail goes (messaging's {@code Messenger} in a node). */
@FunctionalInterface
public interface MailSink {
    /** Takes in one envelope; completes once it is committed, refused or known already: then it may be deleted. */
    CompletableFuture<Void> take(PeerId replica, WireEnvelope envelope);
}
