package org.parley.control;

import org.parley.proto.control.v1.CreateGroupRequest;
import org.parley.proto.control.v1.DeleteMessageRequest;
import org.parley.proto.control.v1.EditMessageRequest;
import org.parley.proto.control.v1.GroupDeleteRequest;
import org.parley.proto.control.v1.GroupEditRequest;
import org.parley.proto.control.v1.GroupReactRequest;
import org.parley.proto.control.v1.ReactRequest;
import org.parley.proto.control.v1.ContactSignalsRequest;
import org.parley.proto.control.v1.MarkGroupReadRequest;
import org.parley.proto.control.v1.MarkReadRequest;
import org.parley.proto.control.v1.MarkReadResponse;
import org.parley.proto.control.v1.GroupSignalsRequest;
import org.parley.proto.control.v1.GroupSignalsResponse;
import org.parley.proto.control.v1.SendTypingRequest;
import org.parley.proto.control.v1.SendTypingResponse;
import org.parley.api.MarkedReadView;
import org.parley.proto.control.v1.Group;
import org.parley.proto.control.v1.GroupHistoryRequest;
import org.parley.proto.control.v1.GroupHistoryResponse;
import org.parley.proto.control.v1.GroupMemberRequest;
import org.parley.proto.control.v1.GroupMembersResponse;
import org.parley.proto.control.v1.GroupMessage;
import org.parley.proto.control.v1.GroupRequest;
import org.parley.proto.control.v1.InviteToGroupRequest;
import org.parley.proto.control.v1.ListGroupsRequest;
import org.parley.proto.control.v1.ListGroupsResponse;
import org.parley.proto.control.v1.SendToGroupRequest;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import org.parley.api.ApiException;
import org.parley.api.IdentityView;
import org.parley.proto.control.v1.GetStatusRequest;
import org.parley.proto.control.v1.LookupRequest;
import org.parley.proto.control.v1.NodeStatus;
import org.parley.proto.control.v1.LookupResponse;
import org.parley.api.ParleyApi;
import org.parley.api.PeerView;
import io.grpc.stub.ServerCallStreamObserver;
import java.util.Optional;
import org.parley.proto.control.v1.AddContactRequest;
import org.parley.proto.control.v1.BlockContactRequest;
import org.parley.proto.control.v1.Contact;
import org.parley.proto.control.v1.Event;
import org.parley.proto.control.v1.HistoryRequest;
import org.parley.proto.control.v1.MessageRequestsRequest;
import org.parley.proto.control.v1.HistoryResponse;
import org.parley.proto.control.v1.ListContactsRequest;
import org.parley.proto.control.v1.ListContactsResponse;
import org.parley.proto.control.v1.OfferRelayRequest;
import org.parley.proto.control.v1.OfferRelayResponse;
import org.parley.proto.control.v1.Message;
import org.parley.proto.control.v1.RemoveContactRequest;
import org.parley.proto.control.v1.RemoveContactResponse;
import org.parley.proto.control.v1.SendFileRequest;
import org.parley.proto.control.v1.SendFileToGroupRequest;
import org.parley.proto.control.v1.SendMessageRequest;
import org.parley.proto.control.v1.WatchRequest;
import org.parley.proto.control.v1.ControlGrpc;
import org.parley.proto.control.v1.GetIdentityRequest;
import org.parley.proto.control.v1.IdentityInfo;
import org.parley.proto.control.v1.ListPeersRequest;
import org.parley.proto.control.v1.ListPeersResponse;

/** Serves a {@link ParleyApi} over the control protocol. */
final class ControlService extends ControlGrpc.ControlImplBase {
    /** Events a watcher may fall behind by before it is dropped (a few MiB at most). */
    static final int MAX_WATCH_BACKLOG = 4096;
    private final ParleyApi api;

    ControlService(ParleyApi api) {
        this.api = api;
    }

    @Override
    public void getIdentity(GetIdentityRequest request, StreamObserver<IdentityInfo> response) {
        answer(response, () -> {
            IdentityView identity = api.identity();
            return IdentityInfo.newBuilder()
                    .setPeerId(identity.peerId())
                    .setName(identity.name())
                    .setFingerprint(identity.fingerprint())
                    .addAllListenAddresses(identity.listenAddresses())
                    .build();
        });
    }

    @Override
    public void listPeers(ListPeersRequest request, StreamObserver<ListPeersResponse> response) {
        answer(response, () -> {
            ListPeersResponse.Builder peers = ListPeersResponse.newBuilder();
            for (PeerView peer : api.peers()) {
                peers.addPeers(ControlMessages.toProto(peer));
            }
            return peers.build();
        });
    }

    @Override
    public void sendMessage(SendMessageRequest request, StreamObserver<Message> response) {
        answer(response, () -> ControlMessages.toProto(request.hasReplyTo()
                ? api.send(request.getPeerId(), request.getText(), Optional.of(request.getReplyTo()))
                : api.send(request.getPeerId(), request.getText())));
    }

    @Override
    public void sendFile(SendFileRequest request, StreamObserver<Message> response) {
        answer(response, () -> ControlMessages.toProto(api.sendFile(request.getPeerId(), request.getPath())));
    }

    @Override
    public void messageRequests(MessageRequestsRequest request, StreamObserver<HistoryResponse> response) {
        answer(response, () -> {
            HistoryResponse.Builder requests = HistoryResponse.newBuilder();
            api.messageRequests(request.getLimit()).forEach(message -> requests.addMessages(ControlMessages.toProto(message)));
            return requests.build();
        });
    }

    @Override
    public void history(HistoryRequest request, StreamObserver<HistoryResponse> response) {
        answer(response, () -> {
            HistoryResponse.Builder history = HistoryResponse.newBuilder();
            Optional<String> before = request.hasBeforeId() ? Optional.of(request.getBeforeId()) : Optional.empty();
            api.history(request.getPeerId(), request.getLimit(), before)
                    .forEach(message -> history.addMessages(ControlMessages.toProto(message)));
            return history.build();
        });
    }

    @Override
    public void addContact(AddContactRequest request, StreamObserver<Contact> response) {
        answer(response, () -> ControlMessages.toProto(api.addContact(request.getPeerId(), request.getName())));
    }

    @Override
    public void listContacts(ListContactsRequest request, StreamObserver<ListContactsResponse> response) {
        answer(response, () -> {
            ListContactsResponse.Builder contacts = ListContactsResponse.newBuilder();
            api.contacts().forEach(contact -> contacts.addContacts(ControlMessages.toProto(contact)));
            return contacts.build();
        });
    }

    @Override
    public void removeContact(RemoveContactRequest request, StreamObserver<RemoveContactResponse> response) {
        answer(response, () -> RemoveContactResponse.newBuilder()
                .setRemoved(api.removeContact(request.getPeerId())).build());
    }

    @Override
    public void offerRelay(OfferRelayRequest request, StreamObserver<OfferRelayResponse> response) {
        answer(response, () -> {
            api.offerRelay(request.getPeerId(), request.getStop());
            return OfferRelayResponse.getDefaultInstance();
        });
    }

    @Override
    public void blockContact(BlockContactRequest request, StreamObserver<Contact> response) {
        answer(response, () -> ControlMessages.toProto(api.blockContact(request.getPeerId())));
    }

    @Override
    public void getStatus(GetStatusRequest request, StreamObserver<NodeStatus> response) {
        answer(response, () -> ControlMessages.toProto(api.status()));
    }

    @Override
    public void lookup(LookupRequest request, StreamObserver<LookupResponse> response) {
        answer(response, () -> ControlMessages.toProto(api.lookup(request.getPeerId())));
    }

    @Override
    public void createGroup(CreateGroupRequest request, StreamObserver<Group> response) {
        answer(response, () -> ControlMessages.toProto(api.createGroup(request.getName())));
    }

    @Override
    public void inviteToGroup(InviteToGroupRequest request, StreamObserver<Group> response) {
        answer(response, () -> ControlMessages.toProto(api.inviteToGroup(request.getGroupId(), request.getPeerId(),
                request.getAdmin())));
    }

    @Override
    public void listGroups(ListGroupsRequest request, StreamObserver<ListGroupsResponse> response) {
        answer(response, () -> {
            ListGroupsResponse.Builder groups = ListGroupsResponse.newBuilder();
            api.groups().forEach(group -> groups.addGroups(ControlMessages.toProto(group)));
            return groups.build();
        });
    }

    @Override
    public void joinGroup(GroupRequest request, StreamObserver<Group> response) {
        answer(response, () -> ControlMessages.toProto(api.joinGroup(request.getGroupId())));
    }

    @Override
    public void sendToGroup(SendToGroupRequest request, StreamObserver<GroupMessage> response) {
        answer(response, () -> ControlMessages.toProto(request.hasReplyTo()
                ? api.sendToGroup(request.getGroupId(), request.getText(), Optional.of(request.getReplyTo()))
                : api.sendToGroup(request.getGroupId(), request.getText())));
    }

    @Override
    public void sendFileToGroup(SendFileToGroupRequest request, StreamObserver<GroupMessage> response) {
        answer(response, () -> ControlMessages.toProto(api.sendFileToGroup(request.getGroupId(), request.getPath())));
    }

    @Override
    public void react(ReactRequest request, StreamObserver<Message> response) {
        answer(response, () -> ControlMessages.toProto(api.react(request.getPeerId(), request.getMessageId(),
                request.getEmoji())));
    }

    @Override
    public void editMessage(EditMessageRequest request, StreamObserver<Message> response) {
        answer(response, () -> ControlMessages.toProto(api.edit(request.getPeerId(), request.getMessageId(),
                request.getText())));
    }

    @Override
    public void deleteMessage(DeleteMessageRequest request, StreamObserver<Message> response) {
        answer(response, () -> ControlMessages.toProto(api.delete(request.getPeerId(), request.getMessageId())));
    }

    @Override
    public void setContactSignals(ContactSignalsRequest request, StreamObserver<Contact> response) {
        answer(response, () -> ControlMessages.toProto(api.setSignals(request.getPeerId(),
                request.hasReadReceipts() ? Optional.of(request.getReadReceipts()) : Optional.empty(),
                request.hasTyping() ? Optional.of(request.getTyping()) : Optional.empty())));
    }

    @Override
    public void markRead(MarkReadRequest request, StreamObserver<MarkReadResponse> response) {
        answer(response, () -> {
            MarkedReadView marked = api.markRead(request.getPeerId(),
                    request.hasUpTo() ? Optional.of(request.getUpTo()) : Optional.empty());
            MarkReadResponse.Builder answer = MarkReadResponse.newBuilder().setReceiptSent(marked.receiptSent());
            if (marked.upTo() != null) {
                answer.setUpTo(marked.upTo());
            }
            return answer.build();
        });
    }

    @Override
    public void sendTyping(SendTypingRequest request, StreamObserver<SendTypingResponse> response) {
        answer(response, () -> SendTypingResponse.newBuilder()
                .setSent(request.getGroupId().isEmpty() ? api.typing(request.getPeerId(), request.getActive())
                        : api.groupTyping(request.getGroupId(), request.getActive())).build());
    }

    @Override
    public void setGroupSignals(GroupSignalsRequest request, StreamObserver<GroupSignalsResponse> response) {
        answer(response, () -> GroupSignalsResponse.newBuilder().setGroupId(request.getGroupId())
                .setTyping(api.setGroupTyping(request.getGroupId(),
                        request.hasTyping() ? Optional.of(request.getTyping()) : Optional.empty()))
                .setReadReceipts(api.setGroupReadReceipts(request.getGroupId(),
                        request.hasReadReceipts() ? Optional.of(request.getReadReceipts()) : Optional.empty()))
                .build());
    }

    @Override
    public void markGroupRead(MarkGroupReadRequest request, StreamObserver<MarkReadResponse> response) {
        answer(response, () -> {
            MarkedReadView marked = api.markGroupRead(request.getGroupId(),
                    request.hasUpTo() ? Optional.of(request.getUpTo()) : Optional.empty());
            MarkReadResponse.Builder answer = MarkReadResponse.newBuilder().setReceiptSent(marked.receiptSent());
            if (marked.upTo() != null) {
                answer.setUpTo(marked.upTo());
            }
            return answer.build();
        });
    }

    @Override
    public void reactInGroup(GroupReactRequest request, StreamObserver<GroupMessage> response) {
        answer(response, () -> ControlMessages.toProto(api.reactInGroup(request.getGroupId(), request.getEntryId(),
                request.getEmoji())));
    }

    @Override
    public void editGroupMessage(GroupEditRequest request, StreamObserver<GroupMessage> response) {
        answer(response, () -> ControlMessages.toProto(api.editInGroup(request.getGroupId(), request.getEntryId(),
                request.getText())));
    }

    @Override
    public void deleteGroupMessage(GroupDeleteRequest request, StreamObserver<GroupMessage> response) {
        answer(response, () -> ControlMessages.toProto(api.deleteInGroup(request.getGroupId(), request.getEntryId())));
    }

    @Override
    public void groupHistory(GroupHistoryRequest request, StreamObserver<GroupHistoryResponse> response) {
        answer(response, () -> {
            GroupHistoryResponse.Builder history = GroupHistoryResponse.newBuilder();
            Optional<String> before = request.hasBeforeId() ? Optional.of(request.getBeforeId()) : Optional.empty();
            api.groupHistory(request.getGroupId(), request.getLimit(), before)
                    .forEach(message -> history.addMessages(ControlMessages.toProto(message)));
            return history.build();
        });
    }

    @Override
    public void groupMembers(GroupRequest request, StreamObserver<GroupMembersResponse> response) {
        answer(response, () -> {
            GroupMembersResponse.Builder members = GroupMembersResponse.newBuilder();
            api.groupMembers(request.getGroupId()).forEach(member -> members.addMembers(ControlMessages.toProto(member)));
            return members.build();
        });
    }

    @Override
    public void removeFromGroup(GroupMemberRequest request, StreamObserver<Group> response) {
        answer(response, () -> ControlMessages.toProto(api.removeFromGroup(request.getGroupId(), request.getPeerId())));
    }

    @Override
    public void leaveGroup(GroupRequest request, StreamObserver<Group> response) {
        answer(response, () -> ControlMessages.toProto(api.leaveGroup(request.getGroupId())));
    }

    @Override
    public void watch(WatchRequest request, StreamObserver<Event> response) {
        BoundedEventStream events = new BoundedEventStream((ServerCallStreamObserver<Event>) response,
                MAX_WATCH_BACKLOG);
        ParleyApi.Subscription subscription;
        try {
            subscription = api.watch(request.hasAfter() ? Optional.of(request.getAfter()) : Optional.empty(),
                    event -> events.accept(ControlMessages.toProto(event)));
        } catch (ApiException e) {
            response.onError(statusOf(e));
            return;
        }
        events.onEnd(subscription::close);
    }

    /** The refusal as the gRPC status of the same name, its message as the description. */
    static StatusRuntimeException statusOf(ApiException refusal) {
        return Status.fromCode(Status.Code.valueOf(refusal.kind().name())).withDescription(refusal.getMessage())
                .asRuntimeException();
    }

    private interface ApiCall<T> {
        T call() throws ApiException;
    }

    private static <T> void answer(StreamObserver<T> response, ApiCall<T> call) {
        T result;
        try {
            result = call.call();
        } catch (ApiException e) {
            response.onError(statusOf(e));
            return;
        }
        response.onNext(result);
        response.onCompleted();
    }
}
