package org.parley.mailbox;

import java.util.List;
import org.parley.identity.PeerId;
import org.parley.messaging.MessageId;
import org.parley.messaging.RelayableOutbox;
import org.parley.messaging.RelayItem;

/** The messenger's outbox as the mailbox layer asks for it (messaging cannot know the layer above). */
public record MessengerOutbox(RelayableOutbox messenger) implements RelayOutbox {
    @Override
    public List<RelayItem> awaitingRelay() {
        return messenger.awaitingRelay();
    }

    @Override
    public void relayed(PeerId recipient, MessageId id, int replicas) {
        messenger.relayed(recipient, id, replicas);
    }
}
