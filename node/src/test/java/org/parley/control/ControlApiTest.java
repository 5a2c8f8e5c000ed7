package org.parley.control;

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

    @TempDir
    Path directory;

    private final ParleyApi api = new ParleyApi() {
        @Override
        public IdentityView identity() {
            return new IdentityView("p1self", "alice", "fingerprint", List.of("127.0.0.1:7002"));
        }

        @Override
        public List<PeerView> peers() {
            return List.of(PEER);
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
        public LookupView lookup(String peerId) {
            return peerId.equals("p1peer")
                    ? new LookupView(peerId, true, new LookupView.RecordView(List.of("10.0.0.7:7450"), 42L, 99L), 2, 7)
                    : new LookupView(peerId, false, null, 1, 20);
        }

        @Override
        public StatusView status() {
            return new StatusView("p1self", 3, 50, 48, 3L * 48 * 700, 12_345L, 17);
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
            assertEquals(List.of(PEER), client.peers());
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
