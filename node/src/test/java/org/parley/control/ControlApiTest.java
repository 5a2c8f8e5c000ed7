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
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.reflection.v1.ServerReflectionGrpc;
import io.grpc.reflection.v1.ServerReflectionRequest;
import io.grpc.reflection.v1.ServerReflectionResponse;
import io.grpc.reflection.v1.ServiceResponse;
import io.grpc.stub.StreamObserver;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.SocketTimeoutException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
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
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
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
import org.parley.proto.control.v1.HistoryRequest;
import org.parley.proto.control.v1.ListPeersRequest;
import org.parley.proto.control.v1.WatchRequest;
import org.parley.store.ProfileHome;

/** The control API over real gRPC on the home's socket: it answers its owner and nobody else. */
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
            throw new ApiException(ApiException.Kind.NOT_FOUND, "no message " + beforeId.orElse("?") + " with " + peerId);
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

    /** On the command line's socket, and on gRPC as a client finds it when a daemon serves no such socket. */
    @ParameterizedTest(name = "over gRPC: {0}")
    @ValueSource(booleans = {false, true})
    void requestsAnswersErrorsAndEventsCrossTheControlApiIntact(boolean overGrpc) throws Exception {
        ProfileHome home = home();
        try (ControlServer server = ControlServer.start(api, home);
             ControlClient client = connect(home, overGrpc)) {
            BlockingQueue<EventView> events = new LinkedBlockingQueue<>();
            ParleyApi.Subscription watching = client.watch(events::add);
            assertEquals(EventView.WATCHING, events.take().type(), "the first event says the stream is live");
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
    void typingEventsKeepWhetherTheyAreAboutAGroup() {
        EventView direct = EventView.typing(new org.parley.api.TypingView("p1peer", true));
        EventView inGroup = EventView.typing(new org.parley.api.TypingView("p1peer", false, "12".repeat(16)));
        assertEquals(direct, ControlMessages.fromProto(ControlMessages.toProto(direct)));
        assertEquals(inGroup, ControlMessages.fromProto(ControlMessages.toProto(inGroup)));
    }

    @ParameterizedTest(name = "over gRPC: {0}")
    @ValueSource(booleans = {false, true})
    void groupRequestsAnswersErrorsAndEventsCrossTheControlApiIntact(boolean overGrpc) throws Exception {
        ProfileHome home = home();
        try (ControlServer server = ControlServer.start(api, home);
             ControlClient client = connect(home, overGrpc)) {
            BlockingQueue<EventView> events = new LinkedBlockingQueue<>();
            ParleyApi.Subscription watching = client.watch(events::add);
            assertEquals(EventView.WATCHING, events.take().type(), "the first event says the stream is live");
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
            ManagedChannel channel = server.channel();
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
    void aRefusalTravelsAsTheStatusCodeOfItsKindWithItsLineAsDescription() throws Exception {
        ProfileHome home = home();
        try (ControlServer server = ControlServer.start(api, home)) {
            ManagedChannel channel = server.channel();
            try {
                Metadata headers = new Metadata();
                headers.put(ControlToken.HEADER, ControlToken.read(home).value());
                StatusRuntimeException refused = assertThrows(StatusRuntimeException.class, () -> ControlGrpc
                        .newBlockingStub(channel).withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers))
                        .history(HistoryRequest.newBuilder().setPeerId("p1peer").setLimit(5).setBeforeId("x").build()));
                assertEquals(Status.Code.NOT_FOUND, refused.getStatus().getCode());
                assertEquals("no message x with p1peer", refused.getStatus().getDescription());
            } finally {
                channel.shutdownNow();
            }
        }
        for (ApiException.Kind kind : ApiException.Kind.values()) {
            assertEquals(kind.name(), ControlService.statusOf(new ApiException(kind, "why")).getStatus().getCode().name());
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
    void connectionsOverTheSocketLeaveNoWarningAtEitherEnd() throws Exception {
        ProfileHome home = home();
        List<LogRecord> warnings = new CopyOnWriteArrayList<>();
        Handler collector = new Handler() {
            @Override
            public void publish(LogRecord record) {
                if (record.getLevel().intValue() >= Level.WARNING.intValue()) {
                    warnings.add(record);
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        Logger netty = Logger.getLogger("io.grpc.netty.shaded.io.netty");
        netty.addHandler(collector);
        try (ControlServer server = ControlServer.start(api, home)) {
            for (int i = 0; i < 3; i++) {
                try (ControlClient client = connect(home, true)) {
                    assertEquals(api.identity(), client.identity());
                }
            }
        } finally {
            netty.removeHandler(collector);
        }
        assertEquals(List.of(), warnings.stream().map(LogRecord::getMessage).toList());
    }

    /**
     * A command ends the clients' shared loop threads before it exits, since the JVM's exit waits
     * for a thread in native code (the loop's epoll wait); what that saves is measured by
     * {@code bench cli}. Here: they end, on the socket and on the loopback port, and clients made
     * afterwards start new ones.
     */
    @Test
    void theClientsSharedThreadsEndOnRequestAndStartAgainForALaterClient() throws Exception {
        ProfileHome socketHome = home();
        ProfileHome loopbackHome = new ProfileHome(directory.resolve("loopback-home"));
        loopbackHome.create();
        try (ControlServer onSocket = ControlServer.start(api, socketHome);
             ControlServer onLoopback = ControlServer.startOnLoopback(api, loopbackHome)) {
            // gRPC on the socket, as with a daemon that serves no command line socket.
            Files.delete(socketHome.cliSocket());
            for (int round = 0; round < 2; round++) {
                for (ProfileHome home : List.of(socketHome, loopbackHome)) {
                    try (ControlClient client = ControlClient.connectOrExplain(home)) {
                        assertEquals(api.identity(), client.identity());
                    }
                }
                assertEquals(2, clientLoopThreads().size(), "one shared loop each for socket and port");
                ControlClient.endSharedThreads();
                assertEquals(List.of(), clientLoopThreads());
            }
        }
    }

    /**
     * A client of the home's daemon; over gRPC on the control socket when asked, as a client
     * speaks to a daemon without the command line's socket (the socket removed to make one).
     */
    private static ControlClient connect(ProfileHome home, boolean overGrpc) throws Exception {
        if (overGrpc) {
            Files.deleteIfExists(home.cliSocket());
        }
        return ControlClient.connectOrExplain(home);
    }

    private static List<Thread> clientLoopThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(thread -> thread.getName().startsWith("parley-control-client") && thread.isAlive())
                .toList();
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
                ManagedChannel channel = server.channel();
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
    void aDaemonKilledHardLeavesStaleFilesThatAreExplained() throws Exception {
        ProfileHome home = home();
        // What kill -9 leaves behind: the files, naming a process that is gone.
        ControlEndpoint.socket(deadPid()).publish(home);
        Files.writeString(home.controlToken(), "ab".repeat(32));
        assertTrue(ControlClient.connect(home).isEmpty());
        ApiException stale = assertThrows(ApiException.class, () -> ControlClient.connectOrExplain(home));
        assertTrue(stale.getMessage().startsWith("no daemon is running for "), stale.getMessage());

        // A live process of ours under that ID, and a socket file nobody listens on any more.
        ControlEndpoint.socket(ProcessHandle.current().pid()).publish(home);
        try (ServerSocketChannel dead = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            dead.bind(UnixDomainSocketAddress.of(home.controlSocket()));
        }
        try (ControlClient client = ControlClient.connectOrExplain(home)) {
            ApiException gone = assertThrows(ApiException.class, client::peers);
            assertTrue(gone.getMessage().startsWith("no daemon is running for "), gone.getMessage());
        }
    }

    /**
     * Finding 9 of the hardening review: after a crash, another local user binds the loopback port
     * the dead daemon had published and waits for the owner's next command to bring the token.
     */
    @Test
    void aListenerAtTheOldPublishedPortNeverGetsTheToken() throws Exception {
        ProfileHome home = home();
        String token = "cd".repeat(32);
        try (ServerSocket intruder = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            intruder.setSoTimeout(300);
            int port = intruder.getLocalPort();
            List<String> leftBehind = List.of(
                    "{\"port\": " + port + ", \"pid\": " + deadPid() + "}",      // as daemons before the socket wrote it
                    "{\"port\": " + port + ", \"pid\": " + ProcessHandle.current().pid() + "}",
                    "{\"transport\": \"tcp\", \"port\": " + port + ", \"pid\": " + deadPid() + "}");
            for (String endpoint : leftBehind) {
                Files.writeString(home.controlEndpoint(), endpoint);
                Files.writeString(home.controlToken(), token);
                try {
                    ControlClient.connect(home).ifPresent(client -> {
                        try (client) {
                            client.peers();
                        } catch (ApiException e) {
                            // what matters is what reached the intruder
                        }
                    });
                } catch (ApiException refused) {
                    assertTrue(refused.getMessage().contains("control.json"), refused.getMessage());
                }
                assertThrows(SocketTimeoutException.class, intruder::accept, endpoint);
            }
        }
    }

    @Test
    void aSocketInAHomeOthersCanWriteToIsNotTrusted() throws Exception {
        ProfileHome home = home();
        try (ControlServer server = ControlServer.start(api, home)) {
            Files.setPosixFilePermissions(home.root(), PosixFilePermissions.fromString("rwxrwxrwx"));
            ApiException refused = assertThrows(ApiException.class, () -> ControlClient.connect(home));
            assertTrue(refused.getMessage().contains("not yours alone"), refused.getMessage());
            Files.setPosixFilePermissions(home.root(), PosixFilePermissions.fromString("rwx------"));
            try (ControlClient client = ControlClient.connectOrExplain(home)) {
                assertEquals(api.identity(), client.identity());
            }
        }
    }

    @Test
    void theSocketIsOwnerOnlyAndRemovedOnClose() throws Exception {
        ProfileHome home = home();
        try (ControlServer server = ControlServer.start(api, home)) {
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(home.controlSocket())));
            assertEquals(0, server.port());
        }
        assertTrue(Files.notExists(home.controlSocket()));
    }

    @Test
    void theLoopbackFallbackServesTheSameApiBehindTheToken() throws Exception {
        ProfileHome home = home();
        try (ControlServer server = ControlServer.startOnLoopback(api, home);
             ControlClient client = ControlClient.connectOrExplain(home)) {
            assertTrue(server.port() > 0);
            assertTrue(Files.notExists(home.controlSocket()));
            assertEquals(api.identity(), client.identity());
        }
    }

    @Test
    void stockToolsFindTheServicesByReflectionAndSeeThemHealthy() throws Exception {
        ProfileHome home = home();
        try (ControlServer server = ControlServer.start(api, home)) {
            ManagedChannel channel = server.channel();
            try {
                HealthCheckResponse control = HealthGrpc.newBlockingStub(channel).check(HealthCheckRequest.newBuilder()
                        .setService(ControlGrpc.SERVICE_NAME).build());
                assertEquals(HealthCheckResponse.ServingStatus.SERVING, control.getStatus());
                StatusRuntimeException unknown = assertThrows(StatusRuntimeException.class, () -> HealthGrpc
                        .newBlockingStub(channel).check(HealthCheckRequest.newBuilder().setService("nope").build()));
                assertEquals(Status.Code.NOT_FOUND, unknown.getStatus().getCode());

                BlockingQueue<ServerReflectionResponse> answers = new LinkedBlockingQueue<>();
                StreamObserver<ServerReflectionRequest> requests = ServerReflectionGrpc.newStub(channel)
                        .serverReflectionInfo(new StreamObserver<>() {
                            @Override
                            public void onNext(ServerReflectionResponse response) {
                                answers.add(response);
                            }

                            @Override
                            public void onError(Throwable error) {
                            }

                            @Override
                            public void onCompleted() {
                            }
                        });
                requests.onNext(ServerReflectionRequest.newBuilder().setListServices("").build());
                List<String> services = answers.poll(10, TimeUnit.SECONDS).getListServicesResponse().getServiceList()
                        .stream().map(ServiceResponse::getName).toList();
                assertTrue(services.containsAll(List.of("parley.control.v1.Control", "grpc.health.v1.Health",
                        "grpc.reflection.v1.ServerReflection")), services.toString());
                requests.onNext(ServerReflectionRequest.newBuilder()
                        .setFileContainingSymbol("parley.control.v1.Control").build());
                ServerReflectionResponse file = answers.poll(10, TimeUnit.SECONDS);
                assertTrue(file.getFileDescriptorResponse().getFileDescriptorProtoCount() > 0, file.toString());
                requests.onCompleted();
            } finally {
                channel.shutdownNow();
            }
        }
    }

    @Test
    void malformedEndpointOrTokenFilesAreClearErrors() throws Exception {
        ProfileHome home = home();
        for (String garbage : new String[] {"", "{", "[]", "{\"port\": -1}", "{\"port\": 70000}", "\u0000\u0001",
                "{\"port\": \"x\"}", "x".repeat(10_000), "{\"transport\": \"unix\", \"port\": 7000, \"pid\": 5}",
                "{\"transport\": \"smoke\", \"pid\": 5}", "{\"transport\": \"unix\"}"}) {
            Files.writeString(home.controlEndpoint(), garbage);
            ApiException error = assertThrows(ApiException.class, () -> ControlClient.connect(home), garbage);
            assertTrue(error.getMessage().contains("control.json"), error.getMessage());
        }
        ControlEndpoint.loopback(7000, ProcessHandle.current().pid()).publish(home);
        Files.writeString(home.controlToken(), "short");
        ApiException badToken = assertThrows(ApiException.class, () -> ControlClient.connect(home));
        assertTrue(badToken.getMessage().contains("control.token"), badToken.getMessage());
    }

    /** The ID of a process that has ended. */
    private static long deadPid() throws Exception {
        Process process = new ProcessBuilder("true").start();
        process.waitFor();
        return process.pid();
    }

    private ProfileHome home() throws Exception {
        ProfileHome home = new ProfileHome(directory.resolve("home"));
        home.create();
        return home;
    }
}
