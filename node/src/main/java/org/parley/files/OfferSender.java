package org.parley.files;

import java.util.concurrent.CompletableFuture;
import org.parley.identity.PeerId;
import org.parley.messaging.MessageRecord;
import org.parley.proto.wire.v1.FileOffer;

/** Sends a message that carries a file offer (the messenger's {@code sendWithFile}). */
@FunctionalInterface
public interface OfferSender {
    CompletableFuture<MessageRecord> send(PeerId peer, String text, FileOffer offer);
}
