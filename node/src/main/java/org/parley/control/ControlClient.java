package org.parley.control;

import org.parley.api.GroupMemberView;
import org.parley.api.GroupMessageView;
import org.parley.api.GroupView;
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
import org.parley.proto.control.v1.SendTypingRequest;
import org.parley.api.MarkedReadView;
import org.parley.proto.control.v1.GroupHistoryRequest;
import org.parley.proto.control.v1.GroupMemberRequest;
import org.parley.proto.control.v1.GroupRequest;
import org.parley.proto.control.v1.InviteToGroupRequest;
import org.parley.proto.control.v1.ListGroupsRequest;
import org.parley.proto.control.v1.SendToGroupRequest;

import io.grpc.Channel;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.MetadataUtils;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.parley.api.ContactView;
import org.parley.api.EventView;
import org.parley.api.MessageView;
import org.parley.proto.control.v1.AddContactRequest;
import org.parley.proto.control.v1.BlockContactRequest;
import org.parley.proto.control.v1.HistoryRequest;
import org.parley.proto.control.v1.MessageRequestsRequest;
import org.parley.proto.control.v1.ListContactsRequest;
import org.parley.proto.control.v1.OfferRelayRequest;
import org.parley.proto.control.v1.RemoveContactRequest;
import org.parley.proto.control.v1.SendFileRequest;
import org.parley.proto.control.v1.SendFileToGroupRequest;
import org.parley.proto.control.v1.SendMessageRequest;
import org.parley.api.ApiException;
import org.parley.api.IdentityView;
import org.parley.api.LookupView;
import org.parley.api.StatusView;
import org.parley.proto.control.v1.GetStatusRequest;
import org.parley.proto.control.v1.LookupRequest;
import org.parley.api.ParleyApi;
import org.parley.api.PeerView;
import org.parley.proto.control.v1.ControlGrpc;
import org.parley.proto.control.v1.GetIdentityRequest;
import org.parley.proto.control.v1.IdentityInfo;
import org.parley.proto.control.v1.ListPeersRequest;
import org.parley.store.ProfileHome;

/**
 * A {@link ParleyApi} backed by the running daemon of a home, over its control API: connecting,
 * then one short method per call of the API (the watch in {@link WatchStream}, errors told by
 * {@link ControlErrors}). Kept whole for that reason: it is the API's list of calls. It speaks on
 * the command line's socket when the daemon serves one ({@link LocalCallChannel}), else gRPC on
 * the control socket or port; the calls are the same on both.
 */
public final class ControlClient implements ParleyApi, AutoCloseable {
    private static final long CALL_TIMEOUT_SECONDS = 15;
    /** How long the daemon may take to hash and seal a file it is asked to send. */
    private static final long SEND_FILE_TIMEOUT_SECONDS = 600;

    private final ProfileHome home;
    /** What {@link #close} ends: the gRPC channel and its transport; nothing on the command line's socket. */
    private final Runnable shutdown;
    private final Channel channel;
    private final ControlGrpc.ControlBlockingStub stub;

    private final Metadata headers;
    private volatile CompletableFuture<String> watchEnd = CompletableFuture.completedFuture("not watching");

    private ControlClient(ProfileHome home, Channel channel, Runnable shutdown, Metadata headers) {
        this.home = home;
        this.channel = channel;
        this.shutdown = shutdown;
        this.headers = headers;
        this.stub = ControlGrpc.newBlockingStub(channel).withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));
    }

    /**
     * Connects to the daemon of {@code home}; empty when none has published its endpoint there, or
     * the one that did is gone. Before anything is sent, the daemon is checked to be the user's
     * own ({@link DaemonCheck}).
     *
     * @throws ApiException when the published files are unreadable or malformed, or what stands
     *     where the daemon should is not the user's
     */
    public static Optional<ControlClient> connect(ProfileHome home) throws ApiException {
        Optional<ControlEndpoint> endpoint;
        ControlToken token;
        try {
            endpoint = ControlEndpoint.read(home);
            if (endpoint.isEmpty() || !DaemonCheck.verify(home, endpoint.get())) {
                return Optional.empty();
            }
            token = ControlToken.read(home);
        } catch (IOException e) {
            throw new ApiException(e.getMessage(), e);
        }
        Metadata headers = new Metadata();
        headers.put(ControlToken.HEADER, token.value());
        if (endpoint.get().onSocket() && DaemonCheck.cliSocketIsOwners(home)) {
            return Optional.of(new ControlClient(home, new LocalCallChannel(home.cliSocket()), () -> { }, headers));
        }
        ControlTransport transport;
        ManagedChannel channel;
        try {
            transport = endpoint.get().onSocket() ? ControlTransport.forClientSocket()
                    : ControlTransport.forClientLoopback();
            channel = transport.channel(endpoint.get(), home.controlSocket());
        } catch (IOException e) {
            throw new ApiException(e.getMessage(), e);
        }
        return Optional.of(new ControlClient(home, channel, () -> closeGrpc(channel, transport), headers));
    }

    private static void closeGrpc(ManagedChannel channel, ControlTransport transport) {
        channel.shutdownNow();
        try {
            channel.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        transport.close();
    }

    /**
     * Ends the threads clients share, for a process about to exit once its clients are closed (a
     * client made later starts them again). Without this the JVM's exit waits up to 300 ms for
     * them: see {@link ControlTransport#endClientLoops}.
     */
    public static void endSharedThreads() {
        ControlTransport.endClientLoops();
    }

    /** Connects, or fails with the message a user needs when no daemon runs for the home. */
    public static ControlClient connectOrExplain(ProfileHome home) throws ApiException {
        return connect(home).orElseThrow(() -> ControlErrors.notRunning(home));
    }

    @Override
    public IdentityView identity() throws ApiException {
        try {
            IdentityInfo info = stub().getIdentity(GetIdentityRequest.getDefaultInstance());
            return new IdentityView(info.getPeerId(), info.getName(), info.getFingerprint(),
                    info.getListenAddressesList());
        } catch (StatusRuntimeException e) {
            throw explain(e);
        }
    }

    @Override
    public List<PeerView> peers() throws ApiException {
        try {
            return stub().listPeers(ListPeersRequest.getDefaultInstance()).getPeersList().stream()
                    .map(ControlMessages::fromProto).toList();
        } catch (StatusRuntimeException e) {
            throw explain(e);
        }
    }

    @Override
    public MessageView send(String peerId, String text) throws ApiException {
        return call(() -> ControlMessages.fromProto(stub().sendMessage(
                SendMessageRequest.newBuilder().setPeerId(peerId).setText(text).build())));
    }

    @Override
    public MessageView sendFile(String peerId, String path) throws ApiException {
        // Hashing and sealing a large file takes the daemon a while: this call may take longer.
        return call(() -> ControlMessages.fromProto(stub.withDeadlineAfter(SEND_FILE_TIMEOUT_SECONDS, TimeUnit.SECONDS)
                .sendFile(SendFileRequest.newBuilder().setPeerId(peerId).setPath(path).build())));
    }

    @Override
    public MessageView send(String peerId, String text, Optional<String> replyToId) throws ApiException {
        SendMessageRequest.Builder request = SendMessageRequest.newBuilder().setPeerId(peerId).setText(text);
        replyToId.ifPresent(request::setReplyTo);
        return call(() -> ControlMessages.fromProto(stub().sendMessage(request.build())));
    }

    @Override
    public MessageView react(String peerId, String messageId, String emoji) throws ApiException {
        return call(() -> ControlMessages.fromProto(stub().react(ReactRequest.newBuilder().setPeerId(peerId)
                .setMessageId(messageId).setEmoji(emoji).build())));
    }

    @Override
    public MessageView edit(String peerId, String messageId, String text) throws ApiException {
        return call(() -> ControlMessages.fromProto(stub().editMessage(EditMessageRequest.newBuilder()
                .setPeerId(peerId).setMessageId(messageId).setText(text).build())));
    }

    @Override
    public MessageView delete(String peerId, String messageId) throws ApiException {
        return call(() -> ControlMessages.fromProto(stub().deleteMessage(DeleteMessageRequest.newBuilder()
                .setPeerId(peerId).setMessageId(messageId).build())));
    }

    @Override
    public ContactView setSignals(String peerId, Optional<Boolean> readReceipts, Optional<Boolean> typing)
            throws ApiException {
        ContactSignalsRequest.Builder request = ContactSignalsRequest.newBuilder().setPeerId(peerId);
        readReceipts.ifPresent(request::setReadReceipts);
        typing.ifPresent(request::setTyping);
        return call(() -> ControlMessages.fromProto(stub().setContactSignals(request.build())));
    }

    @Override
    public MarkedReadView markRead(String peerId, Optional<String> upToId) throws ApiException {
        MarkReadRequest.Builder request = MarkReadRequest.newBuilder().setPeerId(peerId);
        upToId.ifPresent(request::setUpTo);
        MarkReadResponse marked = call(() -> stub().markRead(request.build()));
        return new MarkedReadView(marked.hasUpTo() ? marked.getUpTo() : null, marked.getReceiptSent());
    }

    @Override
    public boolean typing(String peerId, boolean active) throws ApiException {
        return call(() -> stub().sendTyping(SendTypingRequest.newBuilder().setPeerId(peerId).setActive(active)
                .build()).getSent());
    }

    @Override
    public boolean setGroupTyping(String groupId, Optional<Boolean> on) throws ApiException {
        GroupSignalsRequest.Builder request = GroupSignalsRequest.newBuilder().setGroupId(groupId);
        on.ifPresent(request::setTyping);
        return call(() -> stub().setGroupSignals(request.build()).getTyping());
    }

    @Override
    public boolean setGroupReadReceipts(String groupId, Optional<Boolean> on) throws ApiException {
        GroupSignalsRequest.Builder request = GroupSignalsRequest.newBuilder().setGroupId(groupId);
        on.ifPresent(request::setReadReceipts);
        return call(() -> stub().setGroupSignals(request.build()).getReadReceipts());
    }

    @Override
    public MarkedReadView markGroupRead(String groupId, Optional<String> upToEntryId) throws ApiException {
        MarkGroupReadRequest.Builder request = MarkGroupReadRequest.newBuilder().setGroupId(groupId);
        upToEntryId.ifPresent(request::setUpTo);
        MarkReadResponse marked = call(() -> stub().markGroupRead(request.build()));
        return new MarkedReadView(marked.hasUpTo() ? marked.getUpTo() : null, marked.getReceiptSent());
    }

    @Override
    public boolean groupTyping(String groupId, boolean active) throws ApiException {
        return call(() -> stub().sendTyping(SendTypingRequest.newBuilder().setGroupId(groupId).setActive(active)
                .build()).getSent());
    }

    @Override
    public GroupMessageView sendToGroup(String groupId, String text, Optional<String> replyToEntryId)
            throws ApiException {
        SendToGroupRequest.Builder request = SendToGroupRequest.newBuilder().setGroupId(groupId).setText(text);
        replyToEntryId.ifPresent(request::setReplyTo);
        return call(() -> ControlMessages.fromProto(stub().sendToGroup(request.build())));
    }

    @Override
    public GroupMessageView reactInGroup(String groupId, String entryId, String emoji) throws ApiException {
        return call(() -> ControlMessages.fromProto(stub().reactInGroup(GroupReactRequest.newBuilder()
                .setGroupId(groupId).setEntryId(entryId).setEmoji(emoji).build())));
    }

    @Override
    public GroupMessageView editInGroup(String groupId, String entryId, String text) throws ApiException {
        return call(() -> ControlMessages.fromProto(stub().editGroupMessage(GroupEditRequest.newBuilder()
                .setGroupId(groupId).setEntryId(entryId).setText(text).build())));
    }

    @Override
    public GroupMessageView deleteInGroup(String groupId, String entryId) throws ApiException {
        return call(() -> ControlMessages.fromProto(stub().deleteGroupMessage(GroupDeleteRequest.newBuilder()
                .setGroupId(groupId).setEntryId(entryId).build())));
    }

    @Override
    public List<MessageView> messageRequests(int limit) throws ApiException {
        return call(() -> stub().messageRequests(MessageRequestsRequest.newBuilder().setLimit(limit).build())
                .getMessagesList().stream().map(ControlMessages::fromProto).toList());
    }

    @Override
    public List<MessageView> history(String peerId, int limit, Optional<String> beforeId) throws ApiException {
        HistoryRequest.Builder request = HistoryRequest.newBuilder().setPeerId(peerId).setLimit(limit);
        beforeId.ifPresent(request::setBeforeId);
        return call(() -> stub().history(request.build()).getMessagesList().stream()
                .map(ControlMessages::fromProto).toList());
    }

    @Override
    public ContactView addContact(String peerId, String name) throws ApiException {
        return call(() -> ControlMessages.fromProto(stub().addContact(
                AddContactRequest.newBuilder().setPeerId(peerId).setName(name).build())));
    }

    @Override
    public List<ContactView> contacts() throws ApiException {
        return call(() -> stub().listContacts(ListContactsRequest.getDefaultInstance()).getContactsList().stream()
                .map(ControlMessages::fromProto).toList());
    }

    @Override
    public boolean removeContact(String peerId) throws ApiException {
        return call(() -> stub().removeContact(RemoveContactRequest.newBuilder().setPeerId(peerId).build())
                .getRemoved());
    }

    @Override
    public ContactView blockContact(String peerId) throws ApiException {
        return call(() -> ControlMessages.fromProto(stub().blockContact(
                BlockContactRequest.newBuilder().setPeerId(peerId).build())));
    }

    @Override
    public void offerRelay(String peerId, boolean stop) throws ApiException {
        call(() -> stub().offerRelay(OfferRelayRequest.newBuilder().setPeerId(peerId).setStop(stop).build()));
    }

    @Override
    public StatusView status() throws ApiException {
        return call(() -> ControlMessages.fromProto(stub().getStatus(GetStatusRequest.getDefaultInstance())));
    }

    @Override
    public LookupView lookup(String peerId) throws ApiException {
        return call(() -> ControlMessages.fromProto(stub().lookup(LookupRequest.newBuilder().setPeerId(peerId).build())));
    }

    @Override
    public GroupView createGroup(String name) throws ApiException {
        return call(() -> ControlMessages.fromProto(stub().createGroup(
                CreateGroupRequest.newBuilder().setName(name).build())));
    }

    @Override
    public GroupView inviteToGroup(String groupId, String peerId, boolean admin) throws ApiException {
        return call(() -> ControlMessages.fromProto(stub().inviteToGroup(InviteToGroupRequest.newBuilder()
                .setGroupId(groupId).setPeerId(peerId).setAdmin(admin).build())));
    }

    @Override
    public List<GroupView> groups() throws ApiException {
        return call(() -> stub().listGroups(ListGroupsRequest.getDefaultInstance()).getGroupsList().stream()
                .map(ControlMessages::fromProto).toList());
    }

    @Override
    public GroupView joinGroup(String groupId) throws ApiException {
        return call(() -> ControlMessages.fromProto(stub().joinGroup(group(groupId))));
    }

    @Override
    public GroupMessageView sendFileToGroup(String groupId, String path) throws ApiException {
        // Hashing a large file takes the daemon a while: this call may take longer.
        return call(() -> ControlMessages.fromProto(stub.withDeadlineAfter(SEND_FILE_TIMEOUT_SECONDS, TimeUnit.SECONDS)
                .sendFileToGroup(SendFileToGroupRequest.newBuilder().setGroupId(groupId).setPath(path).build())));
    }

    @Override
    public GroupMessageView sendToGroup(String groupId, String text) throws ApiException {
        return call(() -> ControlMessages.fromProto(stub().sendToGroup(
                SendToGroupRequest.newBuilder().setGroupId(groupId).setText(text).build())));
    }

    @Override
    public List<GroupMessageView> groupHistory(String groupId, int limit, Optional<String> beforeEntryId)
            throws ApiException {
        GroupHistoryRequest.Builder request = GroupHistoryRequest.newBuilder().setGroupId(groupId).setLimit(limit);
        beforeEntryId.ifPresent(request::setBeforeId);
        return call(() -> stub().groupHistory(request.build()).getMessagesList().stream()
                .map(ControlMessages::fromProto).toList());
    }

    @Override
    public List<GroupMemberView> groupMembers(String groupId) throws ApiException {
        return call(() -> stub().groupMembers(group(groupId)).getMembersList().stream()
                .map(ControlMessages::fromProto).toList());
    }

    @Override
    public GroupView removeFromGroup(String groupId, String peerId) throws ApiException {
        return call(() -> ControlMessages.fromProto(stub().removeFromGroup(
                GroupMemberRequest.newBuilder().setGroupId(groupId).setPeerId(peerId).build())));
    }

    @Override
    public GroupView leaveGroup(String groupId) throws ApiException {
        return call(() -> ControlMessages.fromProto(stub().leaveGroup(group(groupId))));
    }

    private static GroupRequest group(String groupId) {
        return GroupRequest.newBuilder().setGroupId(groupId).build();
    }

    /**
     * Streams the daemon's events to {@code listener} on a gRPC thread, from now on. When the
     * daemon goes away the listener gets nothing more; {@link #awaitWatchEnd} tells the caller why.
     */
    @Override
    public Subscription watch(Consumer<EventView> listener) throws ApiException {
        return watch(Optional.empty(), listener);
    }

    /**
     * As {@link #watch(Consumer)}, starting just after the event whose cursor is {@code after}.
     * Returns once the daemon has said the stream is live (the {@code watching} event), so a
     * refusal (a cursor too old, no daemon) is thrown here rather than seen later.
     */
    @Override
    public Subscription watch(Optional<String> after, Consumer<EventView> listener) throws ApiException {
        return watch(after, listener, reason -> { });
    }

    /**
     * {@inheritDoc} Here {@code ended} is told on a gRPC thread when the daemon stops, restarts or
     * ends the stream after it went live.
     */
    @Override
    public Subscription watch(Optional<String> after, Consumer<EventView> listener, Consumer<String> streamEnded)
            throws ApiException {
        CompletableFuture<String> ended = new CompletableFuture<>();
        watchEnd = ended;
        return WatchStream.open(channel, headers, home, Duration.ofSeconds(CALL_TIMEOUT_SECONDS), after, listener,
                streamEnded, ended);
    }

    /** Blocks until the last watch ends (the daemon stopped, or it was cancelled); returns why. */
    public String awaitWatchEnd() throws InterruptedException {
        try {
            return watchEnd.get();
        } catch (java.util.concurrent.ExecutionException e) {
            return e.getCause().getMessage();
        }
    }

    private interface Rpc<T> {
        T call();
    }

    private <T> T call(Rpc<T> rpc) throws ApiException {
        try {
            return rpc.call();
        } catch (StatusRuntimeException e) {
            throw explain(e);
        }
    }

    private ControlGrpc.ControlBlockingStub stub() {
        return stub.withDeadlineAfter(CALL_TIMEOUT_SECONDS, TimeUnit.SECONDS);
    }

    private ApiException explain(StatusRuntimeException e) {
        return ControlErrors.explain(e, home);
    }

    @Override
    public void close() {
        shutdown.run();
    }
}
