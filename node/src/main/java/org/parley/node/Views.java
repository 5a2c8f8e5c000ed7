package org.parley.node;

import org.parley.api.ApiException;
import org.parley.api.ContactView;
import org.parley.api.FileView;
import org.parley.api.GroupMessageView;
import org.parley.api.GroupView;
import org.parley.api.MessageView;
import org.parley.api.PeerView;
import org.parley.files.FileRecord;
import org.parley.api.ReactionView;
import java.util.List;
import org.parley.messaging.Annotations;
import org.parley.link.PeerInfo;
import org.parley.groups.GroupException;
import org.parley.groups.GroupId;
import org.parley.groups.GroupMessageRecord;
import org.parley.groups.GroupRecord;
import org.parley.identity.InvalidPeerIdException;
import org.parley.identity.PeerId;
import org.parley.messaging.ContactRecord;
import org.parley.messaging.ConversationSignals;
import org.parley.messaging.MessageId;
import org.parley.messaging.MessageRecord;

/** Between the API's text-typed views and the node's own types. */
final class Views {
    private Views() {
    }

    static MessageView of(MessageRecord message) {
        Annotations annotations = message.annotations();
        return new MessageView(message.id().toString(), message.direction(), message.peer().toString(), message.text(),
                message.sentAtMillis(), message.receivedAtMillis(), message.state(), message.reason(),
                message.request(), message.state().equals(MessageRecord.RELAYED) ? message.replicas() : null,
                annotations.replyTo(), reactions(annotations), annotations.edited(), annotations.deleted());
    }

    private static List<ReactionView> reactions(Annotations annotations) {
        return annotations.reactions().stream()
                .map(reaction -> new ReactionView(reaction.reactor(), reaction.emoji())).toList();
    }

    static FileView of(FileRecord file) {
        return new FileView(file.name(), file.size(), file.sha256(), file.state(), file.path(), file.chunksHeld(),
                file.chunkCount(), file.reason());
    }

    static PeerView of(PeerInfo peer) {
        return new PeerView(peer.peerId().toString(), peer.address(), peer.direction().label(),
                peer.connectedAtMillis(), peer.agent(), peer.path().label(),
                peer.relay().map(PeerId::toString).orElse(null));
    }

    static ContactView of(ContactRecord contact, ConversationSignals.Switches switches) {
        return new ContactView(contact.peer().toString(), contact.name(), contact.status(), contact.addedAtMillis(),
                contact.refused(), switches.readReceipts(), switches.typing());
    }

    static GroupView of(GroupRecord group) {
        return new GroupView(group.id().toString(), group.name(), group.status(),
                group.invitedBy() == null ? null : group.invitedBy().toString(), group.members(), group.admin(),
                group.messages(), group.refused());
    }

    static GroupMessageView of(GroupMessageRecord message) {
        Annotations annotations = message.annotations();
        return new GroupMessageView(message.group().toString(), message.entryId(), message.sender().toString(),
                message.text(), message.sentAtMillis(), message.receivedAtMillis(), message.lamport(),
                annotations.replyTo(), reactions(annotations), annotations.edited(), annotations.deleted());
    }

    static GroupId groupId(String text) throws ApiException {
        try {
            return GroupId.parse(text);
        } catch (GroupException e) {
            throw new ApiException(ApiException.Kind.INVALID_ARGUMENT, e.getMessage(), e);
        }
    }

    static PeerId peerId(String text) throws ApiException {
        try {
            return PeerId.parse(text);
        } catch (InvalidPeerIdException e) {
            throw new ApiException(ApiException.Kind.INVALID_ARGUMENT, e.getMessage(), e);
        }
    }

    static MessageId messageId(String text) throws ApiException {
        try {
            return MessageId.parse(text);
        } catch (IllegalArgumentException e) {
            throw new ApiException(ApiException.Kind.INVALID_ARGUMENT, e.getMessage(), e);
        }
    }
}
