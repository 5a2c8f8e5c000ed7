package org.parley.control;

import org.parley.api.GroupMemberView;
import org.parley.api.GroupMessageView;
import org.parley.api.GroupView;
import org.parley.proto.control.v1.Group;
import org.parley.proto.control.v1.GroupMember;
import org.parley.proto.control.v1.GroupMessage;

import org.parley.api.ContactView;
import org.parley.api.ReadView;
import org.parley.api.TypingView;
import org.parley.proto.control.v1.ReadEvent;
import org.parley.proto.control.v1.TypingEvent;
import org.parley.api.EventView;
import org.parley.api.OutboxView;
import org.parley.api.LookupView;
import org.parley.proto.control.v1.FoundRecord;
import org.parley.proto.control.v1.LookupResponse;
import org.parley.api.FileEventView;
import org.parley.api.FileView;
import org.parley.api.MessageView;
import org.parley.api.PortMappingView;
import org.parley.api.PeerView;
import org.parley.proto.control.v1.ConnectedPeer;
import org.parley.api.StatusView;
import org.parley.proto.control.v1.NodeStatus;
import org.parley.proto.control.v1.PortMapping;
import org.parley.proto.control.v1.Contact;
import org.parley.proto.control.v1.Event;
import org.parley.proto.control.v1.FileEvent;
import org.parley.proto.control.v1.FileInfo;
import org.parley.proto.control.v1.OutboxCounts;
import org.parley.proto.control.v1.Message;

/** Between the API's views and the control protocol's messages, both ways. */
final class ControlMessages {
    private ControlMessages() {
    }

    static Message toProto(MessageView view) {
        Message.Builder message = Message.newBuilder()
                .setId(view.id())
                .setDirection(view.direction())
                .setPeerId(view.peerId())
                .setText(view.text())
                .setSentAtMs(view.sentAt())
                .setState(view.state())
                .setRequest(view.request());
        if (view.receivedAt() != null) {
            message.setReceivedAtMs(view.receivedAt());
        }
        if (view.reason() != null) {
            message.setReason(view.reason());
        }
        if (view.replicas() != null) {
            message.setReplicas(view.replicas());
        }
        if (view.file() != null) {
            message.setFile(toProto(view.file()));
        }
        return ConversationMessages.withConversation(message, view);
    }

    static MessageView fromProto(Message message) {
        return ConversationMessages.withConversation(new MessageView(message.getId(), message.getDirection(),
                message.getPeerId(), message.getText(),
                message.getSentAtMs(), message.hasReceivedAtMs() ? message.getReceivedAtMs() : null,
                message.getState(), message.hasReason() ? message.getReason() : null, message.getRequest(),
                message.hasReplicas() ? message.getReplicas() : null), message)
                .withFile(message.hasFile() ? fromProto(message.getFile()) : null);
    }

    static FileInfo toProto(FileView view) {
        FileInfo.Builder file = FileInfo.newBuilder().setName(view.name()).setSize(view.size())
                .setSha256(view.sha256()).setState(view.state()).setPath(view.path() == null ? "" : view.path())
                .setChunksHeld(view.chunksHeld()).setChunkCount(view.chunks());
        if (view.reason() != null) {
            file.setReason(view.reason());
        }
        return file.build();
    }

    static FileView fromProto(FileInfo file) {
        return new FileView(file.getName(), file.getSize(), file.getSha256(), file.getState(),
                file.getPath().isEmpty() ? null : file.getPath(), file.getChunksHeld(), file.getChunkCount(),
                file.hasReason() ? file.getReason() : null);
    }

    static NodeStatus toProto(StatusView view) {
        NodeStatus.Builder status = NodeStatus.newBuilder()
                .setPeerId(view.peerId())
                .setLinks(view.links())
                .setOutbox(view.outbox())
                .setRelayed(view.relayed())
                .setBytesStoredByOthers(view.bytesStoredByOthers())
                .setBytesStoredForOthers(view.bytesStoredForOthers())
                .setEnvelopesStoredForOthers(view.envelopesStoredForOthers())
                .addAllRelays(view.relays())
                .putAllRelayingFor(view.relayingFor())
                .setReachability(view.reachability())
                .addAllObservedAddresses(view.observedAddresses());
        if (view.portMapping() != null) {
            status.setPortMapping(PortMapping.newBuilder().setProtocol(view.portMapping().protocol())
                    .setExternal(view.portMapping().external()));
        }
        return status.build();
    }

    static StatusView fromProto(NodeStatus status) {
        return new StatusView(status.getPeerId(), status.getLinks(), status.getOutbox(), status.getRelayed(),
                status.getBytesStoredByOthers(), status.getBytesStoredForOthers(),
                status.getEnvelopesStoredForOthers(), status.getRelaysList(), status.getRelayingForMap(),
                status.getReachability(), status.getObservedAddressesList(),
                status.hasPortMapping() ? new PortMappingView(status.getPortMapping().getProtocol(),
                        status.getPortMapping().getExternal()) : null);
    }

    static Contact toProto(ContactView view) {
        return Contact.newBuilder()
                .setPeerId(view.peerId())
                .setName(view.name())
                .setStatus(view.status())
                .setAddedAtMs(view.addedAt())
                .putAllRefused(view.refused())
                .setReadReceipts(view.readReceipts())
                .setTyping(view.typing())
                .build();
    }

    static ContactView fromProto(Contact contact) {
        return new ContactView(contact.getPeerId(), contact.getName(), contact.getStatus(), contact.getAddedAtMs(),
                contact.getRefusedMap(), contact.getReadReceipts(), contact.getTyping());
    }

    static Event toProto(EventView view) {
        Event.Builder event = Event.newBuilder().setType(view.type()).setCursor(view.cursor());
        if (view.message() != null) {
            event.setMessage(toProto(view.message()));
        }
        if (view.groupMessage() != null) {
            event.setGroupMessage(toProto(view.groupMessage()));
        }
        if (view.contact() != null) {
            event.setContact(toProto(view.contact()));
        }
        if (view.group() != null) {
            event.setGroup(toProto(view.group()));
        }
        if (view.peer() != null) {
            event.setPeer(toProto(view.peer()));
        }
        if (view.outbox() != null) {
            event.setOutbox(OutboxCounts.newBuilder().setOutbox(view.outbox().outbox())
                    .setRelayed(view.outbox().relayed()));
        }
        if (view.file() != null) {
            event.setFile(toProto(view.file()));
        }
        if (view.read() != null) {
            event.setRead(ReadEvent.newBuilder().setPeerId(view.read().peerId()).setUpTo(view.read().upTo())
                    .setReadAtMs(view.read().readAt())
                    .setGroupId(view.read().groupId() == null ? "" : view.read().groupId()));
        }
        if (view.typing() != null) {
            TypingEvent.Builder typing = TypingEvent.newBuilder().setPeerId(view.typing().peerId())
                    .setActive(view.typing().active());
            if (view.typing().groupId() != null) {
                typing.setGroupId(view.typing().groupId());
            }
            event.setTyping(typing);
        }
        return event.build();
    }

    static EventView fromProto(Event event) {
        return new EventView(event.getType(), event.hasMessage() ? fromProto(event.getMessage()) : null,
                event.hasGroupMessage() ? fromProto(event.getGroupMessage()) : null,
                event.hasContact() ? fromProto(event.getContact()) : null,
                event.hasGroup() ? fromProto(event.getGroup()) : null,
                event.hasPeer() ? fromProto(event.getPeer()) : null,
                event.hasOutbox() ? new OutboxView(event.getOutbox().getOutbox(), event.getOutbox().getRelayed()) : null,
                event.hasFile() ? fromProto(event.getFile()) : null,
                event.hasRead() ? new ReadView(event.getRead().getPeerId(), event.getRead().getUpTo(),
                        event.getRead().getReadAtMs(),
                        event.getRead().getGroupId().isEmpty() ? null : event.getRead().getGroupId()) : null,
                event.hasTyping() ? new TypingView(event.getTyping().getPeerId(), event.getTyping().getActive(),
                        event.getTyping().getGroupId().isEmpty() ? null : event.getTyping().getGroupId()) : null,
                event.getCursor());
    }

    static ConnectedPeer toProto(PeerView peer) {
        return ConnectedPeer.newBuilder()
                .setPeerId(peer.peerId())
                .setAddress(peer.address())
                .setDirection(peer.direction())
                .setConnectedAtMs(peer.connectedAt())
                .setAgent(peer.agent())
                .setPath(peer.path())
                .setRelay(peer.relay() == null ? "" : peer.relay())
                .build();
    }

    static PeerView fromProto(ConnectedPeer peer) {
        return new PeerView(peer.getPeerId(), peer.getAddress(), peer.getDirection(), peer.getConnectedAtMs(),
                peer.getAgent(), peer.getPath().isEmpty() ? "direct" : peer.getPath(),
                peer.getRelay().isEmpty() ? null : peer.getRelay());
    }

    static Group toProto(GroupView view) {
        Group.Builder group = Group.newBuilder()
                .setGroupId(view.groupId())
                .setName(view.name())
                .setStatus(view.status())
                .setMembers(view.members())
                .setAdmin(view.admin())
                .setMessages(view.messages())
                .putAllRefused(view.refused());
        if (view.invitedBy() != null) {
            group.setInvitedBy(view.invitedBy());
        }
        return group.build();
    }

    static GroupView fromProto(Group group) {
        return new GroupView(group.getGroupId(), group.getName(), group.getStatus(),
                group.hasInvitedBy() ? group.getInvitedBy() : null, group.getMembers(), group.getAdmin(),
                group.getMessages(), group.getRefusedMap());
    }

    static GroupMessage toProto(GroupMessageView view) {
        GroupMessage.Builder message = GroupMessage.newBuilder()
                .setGroupId(view.groupId())
                .setEntryId(view.entryId())
                .setSenderId(view.senderId())
                .setText(view.text())
                .setSentAtMs(view.sentAt())
                .setReceivedAtMs(view.receivedAt())
                .setLamport(view.lamport());
        if (view.file() != null) {
            message.setFile(toProto(view.file()));
        }
        message.addAllReadBy(view.readBy());
        return ConversationMessages.withConversation(message, view);
    }

    static GroupMessageView fromProto(GroupMessage message) {
        return ConversationMessages.withConversation(new GroupMessageView(message.getGroupId(), message.getEntryId(),
                message.getSenderId(), message.getText(), message.getSentAtMs(), message.getReceivedAtMs(),
                message.getLamport()), message).withFile(message.hasFile() ? fromProto(message.getFile()) : null)
                .withReadBy(message.getReadByList());
    }

    static FileEvent toProto(FileEventView view) {
        FileEvent.Builder event = FileEvent.newBuilder().setMessageId(view.messageId() == null ? "" : view.messageId())
                .setPeerId(view.peerId()).setFile(toProto(view.file()));
        if (view.groupId() != null) {
            event.setGroupId(view.groupId());
        }
        return event.build();
    }

    static FileEventView fromProto(FileEvent event) {
        return new FileEventView(event.getMessageId().isEmpty() ? null : event.getMessageId(), event.getPeerId(),
                event.hasGroupId() ? event.getGroupId() : null, fromProto(event.getFile()));
    }

    static GroupMember toProto(GroupMemberView view) {
        return GroupMember.newBuilder().setPeerId(view.peerId()).setAdmin(view.admin()).build();
    }

    static GroupMemberView fromProto(GroupMember member) {
        return new GroupMemberView(member.getPeerId(), member.getAdmin());
    }

    static LookupResponse toProto(LookupView view) {
        LookupResponse.Builder response = LookupResponse.newBuilder()
                .setPeerId(view.peerId())
                .setHops(view.hops())
                .setQueries(view.queries());
        if (view.record() != null) {
            response.setRecord(FoundRecord.newBuilder()
                    .addAllAddresses(view.record().addresses())
                    .setSequence(view.record().sequence())
                    .setExpiresAtMs(view.record().expiresAt())
                    .addAllRelays(view.record().relays())
                    .addAllLinkRelays(view.record().linkRelays()));
        }
        return response.build();
    }

    static LookupView fromProto(LookupResponse response) {
        LookupView.RecordView record = response.hasRecord()
                ? new LookupView.RecordView(response.getRecord().getAddressesList(), response.getRecord().getSequence(),
                        response.getRecord().getExpiresAtMs(), response.getRecord().getRelaysList(),
                        response.getRecord().getLinkRelaysList())
                : null;
        return new LookupView(response.getPeerId(), record != null, record, response.getHops(),
                response.getQueries());
    }
}
