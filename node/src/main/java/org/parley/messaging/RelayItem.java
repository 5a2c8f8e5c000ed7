package org.parley.messaging;

import org.parley.identity.PeerId;
import org.parley.proto.wire.v1.WireEnvelope;

/** An outgoing message whose peer has no link, sealed and stored: what a mailbox replica may hold. */
public record RelayItem(MessageId id, PeerId recipient, WireEnvelope envelope) {
}
