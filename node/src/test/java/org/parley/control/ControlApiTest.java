package org.parley.control;

import org.parley.api.GroupMemberView;
import org.parley.api.GroupMessageView;
import org.parley.api.GroupView;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.grpc.stub.MetadataUtils;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.parley.api.ApiException;
import org.parley.api.ContactView;
import org.parley.api.EventView;
import org.parley.api.MessageView;
import org.parley.api.IdentityView;
import org.parley.api.LookupView;
import org.parley.api.ParleyApi;
import org.parley.api.PortMappingView;
import org.parley.api.StatusView;
import org.parley.api.PeerView;
import org.parley.proto.control.v1.ControlGrpc;
import org.parley.proto.control.v1.Event;
import org.parley.proto.control.v1.ListPeersRequest;
import org.parley.proto.control.v1.WatchRequest;
import org.parley.store.ProfileHome;

/** The control API over real loopback gRPC: it answers its owner and nobody else. */
class ControlApiTest {
    private static final PeerView PEER = new PeerView("p1peer", "127.0.0.1:7001", "outbound", 1234L, "parley/test");
    private static final PeerView RELAYED = new PeerView("p1private", "via p1relay", "outbound", 5678L, "parley/test",
            "relayed", "p1relay");

    @TempDir
    Path directory;

    private final ParleyApi api = new ParleyApi() {
        @Override
        public IdentityView identity() {
            return new IdentityView("p1self", "alice", "fingerprint", List.of("127.0.0.1:7002"));
        }

        @Override
        public List<PeerView> peers() {
            return List.of(PEER, RELAYED);
        }

        @Override
        public MessageView send(String peerId, String text) {
            MessageView sent = new MessageView("00".repeat(16), "out", peerId, text, 1L, null, "pending", null, false, null);
            watchers.forEach(watcher -> watcher.accept(new EventView(EventView.MESSAGE, sent)));
            return sent;
        }

        @Override
        public List<MessageView> history(String peerId, int limit, Optional<String> beforeId) throws ApiException {
            throw new ApiException("no message " + beforeId.orElse("?") + " with " + peerId);
        }

        @Override
        public List<MessageView> messageRequests(int limit) {
            return List.of(new MessageView("ab".repeat(16), "in", "p1stranger", "hi, limit " + limit, 3L, 4L, "received",
                    null, true, null));
        }

        @Override
        public ContactView addContact(String peerId, String name) {
            return new ContactView(peerId, name, "contact", 5L, Map.of("forged", 2L));
        }

        @Override
        public List<ContactView> contacts() {
            return List.of();
        }

        @Override
        public boolean removeContact(String peerId) {
            return false;
        }

        @Override
        public ContactView blockContact(String peerId) {
            return new ContactView(peerId, "x", "blocked", 5L, Map.of());
        }

        @Override
        public void offerRelay(String peerId, boolean stop) throws ApiException {
            if (!peerId.equals("p1friend")) {
                throw new ApiException(peerId + " is not a contact: add it first");
            }
        }

        @Override
        public LookupView lookup(String peerId) {
            return peerId.equals("p1peer")
                    ? new LookupView(peerId, true, new LookupView.RecordView(List.of("10.0.0.7:7450"), 42L, 99L,
                            List.of("p1relay")), 2, 7)
                    : new LookupView(peerId, false, null, 1, 20);
        }

        @Override
        public StatusView status() {
            return new StatusView("p1self", 3, 50, 48, 3L * 48 * 700, 12_345L, 17, List.of("p1relay"),
                    Map.of("p1friend", true), "private", List.of("198.51.100.20:7450"),
                    new PortMappingView("pcp", "198.51.100.20:7450"));
        }

        @Override
        public GroupView createGroup(String name) {
            return new GroupView("ab".repeat(16), name, "joined", null, 1, true, 0, Map.of());
        }

        @Override
        public GroupView inviteToGroup(String groupId, String peerId, boolean admin) {
            return new GroupView(groupId, "club", "joined", null, admin ? 3 : 2, true, 4, Map.of("stale-key", 1L));
        }

        @Override
        public List<GroupView> groups() {
            return List.of(new GroupView("cd".repeat(16), "invited here", "invited", "p1inviter", 2, false, 0, Map.of()));
        }

        @Override
        public GroupView joinGroup(String groupId) throws ApiException {
            throw new ApiException("no invitation to group " + groupId);
        }

        @Override
        public GroupMessageView sendToGroup(String groupId, String text) {
            GroupMessageView sent = new GroupMessageView(groupId, "ef".repeat(32), "p1self", text, 7L, 8L, 3L);
            watchers.forEach(watcher -> watcher.accept(new EventView(EventView.GROUP, null, sent)));
            return sent;
        }

        @Override
        public List<GroupMessageView> groupHistory(String groupId, int limit, Optional<String> beforeEntryId) {
            return List.of(new GroupMessageView(groupId, "01".repeat(32), "p1peer",
                    "limit " + limit + " before " + beforeEntryId.orElse("-"), 1L, 2L, 1L));
        }

        @Override
        public List<GroupMemberView> groupMembers(String groupId) {
            return List.of(new GroupMemberView("p1peer", true), new GroupMemberView("p1self", false));
        }

        @Override
        public GroupView removeFromGroup(String groupId, String peerId) {
            return new GroupView(groupId, peerId, "joined", null, 1, true, 0, Map.of());
        }

        @Override
        public GroupView leaveGroup(String groupId) {
            return new GroupView(groupId, "club", "left", "p1inviter", 1, false, 0, Map.of());
        }

        @Override
        public Subscription watch(Consumer<EventView> listener) {
            watchers.add(listener);
            return () -> watchers.remove(listener);
        }
    };

    private final List<Consumer<EventView>> watchers = new CopyOnWriteArrayList<>();

    @Test
    void requestsAnswersErrorsAndEventsCrossTheControlApiIntact() throws Exception {
        ProfileHome home = home();
        try (ControlServer server = ControlServer.start(api, home);
             ControlClient client = ControlClient.connectOrExplain(home)) {
            BlockingQueue<EventView> events = new LinkedBlockingQueue<>();
            ParleyApi.Subscription watching = client.watch(events::add);
            for (int i = 0; i < 50 && watchers.isEmpty(); i++) {
                Thread.sleep(20);
            }
            MessageView sent = client.send("p1peer", "héllo ✓");
            assertEquals("héllo ✓", sent.text());
            assertEquals(null, sent.receivedAt());
            assertEquals(sent, events.poll(10, TimeUnit.SECONDS).message());
            assertEquals(Map.of("forged", 2L), client.addContact("p1peer", "bob").refused());
            ApiException error = assertThrows(ApiException.class, () -> client.history("p1peer", 5, Optional.of("x")));
            assertEquals("no message x with p1peer", error.getMessage());
            assertEquals(api.lookup("p1peer"), client.lookup("p1peer"));
            assertEquals(api.lookup("p1other"), client.lookup("p1other"));
            assertEquals(api.status(), client.status());
            client.offerRelay("p1friend", false);
            assertEquals("p1stranger is not a contact: add it first",
                    assertThrows(ApiException.class, () -> client.offerRelay("p1stranger", true)).getMessage());
            assertEquals(api.messageRequests(7), client.messageRequests(7));
            watching.close();
        }
    }

    @Test
    void aRelayedMessageKeepsItsReplicaCountAndOtherStatesHaveNone() {
        MessageView relayed = new MessageView("00".repeat(16), "out", "p1peer", "x", 1L, null, "relayed", null, false, 3);
        MessageView pending = new MessageView("00".repeat(16), "out", "p1peer", "x", 1L, null, "pending", null, false,
                null);
        assertEquals(relayed, ControlMessages.fromProto(ControlMessages.toProto(relayed)));
        assertEquals(pending, ControlMessages.fromProto(ControlMessages.toProto(pending)));
    }

    @Test
    void groupRequestsAnswersErrorsAndEventsCrossTheControlApiIntact() throws Exception {
        ProfileHome home = home();
        try (ControlServer server = ControlServer.start(api, home);
             ControlClient client = ControlClient.connectOrExplain(home)) {
            BlockingQueue<EventView> events = new LinkedBlockingQueue<>();
            ParleyApi.Subscription watching = client.watch(events::add);
            for (int i = 0; i < 50 && watchers.isEmpty(); i++) {
                Thread.sleep(20);
            }
            String id = "12".repeat(16);
            assertEquals(api.createGroup("book club"), client.createGroup("book club"));
            assertEquals(api.inviteToGroup(id, "p1peer", true), client.inviteToGroup(id, "p1peer", true));
            assertEquals(api.groups(), client.groups());
            ApiException error = assertThrows(ApiException.class, () -> client.joinGroup(id));
            assertEquals("no invitation to group " + id, error.getMessage());
            GroupMessageView sent = client.sendToGroup(id, "héllo ✓");
            assertEquals("héllo ✓", sent.text());
            EventView event = events.poll(10, TimeUnit.SECONDS);
            assertEquals(EventView.GROUP, event.type());
            assertEquals(sent, event.groupMessage());
            assertEquals(null, event.message());
            assertEquals(api.groupHistory(id, 9), client.groupHistory(id, 9));
            assertEquals(api.groupHistory(id, 9, Optional.of("ab")), client.groupHistory(id, 9, Optional.of("ab")));
            assertEquals(api.groupMembers(id), client.groupMembers(id));
            assertEquals(api.removeFromGroup(id, "p1peer"), client.removeFromGroup(id, "p1peer"));
            assertEquals(api.leaveGroup(id), client.leaveGroup(id));
            watching.close();
        }
    }

    @Test
    void aWatcherThatStopsReadingIsDroppedInsteadOfGrowingTheDaemonsMemory() throws Exception {
        ProfileHome home = home();
        try (ControlServer server = ControlServer.start(api, home)) {
            ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", server.port()).usePlaintext().build();
            try {
                Metadata headers = new Metadata();
                headers.put(ControlToken.HEADER, ControlToken.read(home).value());
                ControlGrpc.ControlStub stub = ControlGrpc.newStub(channel)
                        .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));
                stub.watch(WatchRequest.getDefaultInstance(), new ClientResponseObserver<WatchRequest, Event>() {
                    @Override
                    public void beforeStart(ClientCallStreamObserver<WatchRequest> call) {
                        call.disableAutoRequestWithInitial(0); // and never asks for an event
                    }

                    @Override
                    public void onNext(Event event) {
                    }

                    @Override
                    public void onError(Throwable error) {
                    }

                    @Override
                    public void onCompleted() {
                    }
                });
                for (int i = 0; i < 100 && watchers.isEmpty(); i++) {
                    Thread.sleep(20);
                }
                assertEquals(1, watchers.size());
                String text = "x".repeat(1000);
                for (int i = 0; i < 20_000 && !watchers.isEmpty(); i++) {
                    api.send("p1peer", text);
                    if (i % 500 == 0) {
                        Thread.sleep(10); // let the transport notice that the client reads nothing
                    }
                }
                assertTrue(watchers.isEmpty(), "the stalled watcher was dropped");
            } finally {
                channel.shutdownNow();
            }
        }
    }

    @Test
    void theOwnersClientGetsAnswers() throws Exception {
        ProfileHome home = home();
        try (ControlServer server = ControlServer.start(api, home);
             ControlClient client = ControlClient.connectOrExplain(home)) {
            assertEquals(api.identity(), client.identity());
            assertEquals(List.of(PEER, RELAYED), client.peers());
        }
    }

    @Test
    void theTokenAndEndpointAreOwnerOnlyAndWithdrawnOnClose() throws Exception {
        ProfileHome home = home();
        try (ControlServer server = ControlServer.start(api, home)) {
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(home.controlToken())));
            assertEquals("rw-------",
                    PosixFilePermissions.toString(Files.getPosixFilePermissions(home.controlEndpoint())));
        }
        assertTrue(Files.notExists(home.controlToken()));
        assertTrue(Files.notExists(home.controlEndpoint()));
    }

    @Test
    void callsWithoutTheTokenOrWithAWrongOneAreRefused() throws Exception {
        ProfileHome home = home();
        try (ControlServer server = ControlServer.start(api, home)) {
            for (String token : new String[] {null, "", "0".repeat(64), ControlToken.read(home).value() + "x"}) {
                ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", server.port()).usePlaintext()
                        .build();
                try {
                    ControlGrpc.ControlBlockingStub stub = ControlGrpc.newBlockingStub(channel);
                    if (token != null) {
                        Metadata headers = new Metadata();
                        headers.put(ControlToken.HEADER, token);
                        stub = stub.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));
                    }
                    ControlGrpc.ControlBlockingStub call = stub;
                    StatusRuntimeException refused = assertThrows(StatusRuntimeException.class,
                            () -> call.listPeers(ListPeersRequest.getDefaultInstance()));
                    assertEquals(Status.Code.UNAUTHENTICATED, refused.getStatus().getCode());
                } finally {
                    channel.shutdownNow();
                }
            }
        }
    }

    @Test
    void noDaemonMeansNoClientAndAClearExplanation() throws Exception {
        ProfileHome home = home();
        assertTrue(ControlClient.connect(home).isEmpty());
        ApiException missing = assertThrows(ApiException.class, () -> ControlClient.connectOrExplain(home));
        assertTrue(missing.getMessage().startsWith("no daemon is running for "), missing.getMessage());
    }

    @Test
    void aDaemonKilledHardLeavesAStaleEndpointThatIsExplained() throws Exception {
        ProfileHome home = home();
        int port;
        try (ControlServer server = ControlServer.start(api, home)) {
            port = server.port();
        }
        // What kill -9 leaves behind: the files, with nobody listening.
        new ControlEndpoint(port, 1).publish(home);
        Files.writeString(home.controlToken(), "ab".repeat(32));
        try (ControlClient client = ControlClient.connectOrExplain(home)) {
            ApiException stale = assertThrows(ApiException.class, client::peers);
            assertTrue(stale.getMessage().startsWith("no daemon is running for "), stale.getMessage());
        }
    }

    @Test
    void malformedEndpointOrTokenFilesAreClearErrors() throws Exception {
        ProfileHome home = home();
        for (String garbage : new String[] {"", "{", "[]", "{\"port\": -1}", "{\"port\": 70000}", "\u0000\u0001",
                "{\"port\": \"x\"}", "x".repeat(10_000)}) {
            Files.writeString(home.controlEndpoint(), garbage);
            ApiException error = assertThrows(ApiException.class, () -> ControlClient.connect(home), garbage);
            assertTrue(error.getMessage().contains("control.json"), error.getMessage());
        }
        new ControlEndpoint(7000, 1).publish(home);
        Files.writeString(home.controlToken(), "short");
        ApiException badToken = assertThrows(ApiException.class, () -> ControlClient.connect(home));
        assertTrue(badToken.getMessage().contains("control.token"), badToken.getMessage());
    }

    private ProfileHome home() throws Exception {
        ProfileHome home = new ProfileHome(directory.resolve("home"));
        home.create();
        return home;
    }
}
