package org.parley.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.stub.MetadataUtils;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Proxy;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.parley.api.ApiException;
import org.parley.api.EventView;
import org.parley.api.IdentityView;
import org.parley.api.ParleyApi;
import org.parley.proto.control.v1.ControlGrpc;
import org.parley.proto.control.v1.GetIdentityRequest;
import org.parley.proto.control.v1.GetStatusRequest;
import org.parley.proto.control.v1.IdentityInfo;
import org.parley.proto.control.v1.LocalCall;
import org.parley.proto.control.v1.LocalReply;
import org.parley.store.ProfileHome;

/**
 * The command line's socket ({@code cli.sock}) as a client of any kind may use it: the owner's
 * calls answered as on gRPC, and malformed, truncated, oversized, misdirected, tokenless or idle
 * connections each answered with one status and closed while the daemon serves on.
 */
class LocalCallSocketTest {
    private static final IdentityView SELF = new IdentityView("p1self", "alice", "fingerprint", List.of());
    private static final String GET_IDENTITY = ControlGrpc.getGetIdentityMethod().getFullMethodName();

    @TempDir
    Path directory;

    private final List<Consumer<EventView>> watchers = new CopyOnWriteArrayList<>();
    /** The deadline each call to the API ran under at the daemon, by the API's method; "none" for none. */
    private final java.util.Map<String, String> deadlines = new java.util.concurrent.ConcurrentHashMap<>();
    /** Released at the end of a test: a status call waits for it, to outlast a deadline. */
    private final CountDownLatch statusMayAnswer = new CountDownLatch(1);

    /** Answers its identity, holds a status call back, keeps watchers; refuses everything else. */
    private final ParleyApi api = (ParleyApi) Proxy.newProxyInstance(ParleyApi.class.getClassLoader(),
            new Class<?>[] {ParleyApi.class}, (proxy, method, args) -> {
                io.grpc.Deadline deadline = io.grpc.Context.current().getDeadline();
                deadlines.putIfAbsent(method.getName(), deadline == null ? "none" : "set");
                return answer(proxy, method, args);
            });

    private Object answer(Object proxy, java.lang.reflect.Method method, Object[] args) throws Throwable {
        return switch (method.getName()) {
                case "identity" -> SELF;
                case "status" -> {
                    statusMayAnswer.await();
                    throw new ApiException(ApiException.Kind.UNAVAILABLE, "held back");
                }
                case "watch" -> {
                    if (method.isDefault()) {
                        // The API's own: the first event says the stream is live, then the one-argument watch.
                        yield InvocationHandler.invokeDefault(proxy, method, args);
                    }
                    @SuppressWarnings("unchecked")
                    Consumer<EventView> listener = (Consumer<EventView>) args[0];
                    watchers.add(listener);
                    yield (ParleyApi.Subscription) () -> watchers.remove(listener);
                }
                default -> throw new ApiException(ApiException.Kind.FAILED_PRECONDITION, "not in this test");
            };
    }

    @Test
    void theOwnersCallIsAnsweredAndACallWithoutTheTokenIsRefused() throws Exception {
        ProfileHome home = home();
        try (ControlServer server = ControlServer.start(api, home)) {
            String token = ControlToken.read(home).value();
            List<LocalReply> replies = exchange(home, call(GET_IDENTITY, token,
                    GetIdentityRequest.getDefaultInstance().toByteString()));
            assertEquals(2, replies.size(), "the answer, then the end");
            assertEquals("p1self", IdentityInfo.parseFrom(replies.get(0).getMessage()).getPeerId());
            assertEquals(Status.Code.OK.value(), replies.get(1).getEnd().getCode());

            assertEnds(Status.Code.UNAUTHENTICATED, exchange(home, call(GET_IDENTITY, "f".repeat(64), ByteString.EMPTY)));
            assertEnds(Status.Code.UNAUTHENTICATED, exchange(home, call(GET_IDENTITY, "", ByteString.EMPTY)));
        }
    }

    @Test
    void malformedTruncatedOversizedAndMisdirectedCallsGetOneStatusAndTheDaemonServesOn() throws Exception {
        ProfileHome home = home();
        try (ControlServer server = ControlServer.start(api, home)) {
            String token = ControlToken.read(home).value();
            // A length that never ends (eleven continuation bytes), one far over the limit (checked
            // before anything is allocated), a frame that is not a call, and a frame cut short.
            assertEnds(Status.Code.INVALID_ARGUMENT, exchange(home, repeated((byte) 0xff, 11)));
            assertEnds(Status.Code.INVALID_ARGUMENT, exchange(home, new byte[] {(byte) 0xff, (byte) 0xff,
                    (byte) 0xff, (byte) 0xff, 0x07}));
            assertEnds(Status.Code.INVALID_ARGUMENT, exchange(home, frame(repeated((byte) 0xff, 40))));
            byte[] whole = call(GET_IDENTITY, token, ByteString.EMPTY);
            byte[] truncated = java.util.Arrays.copyOf(whole, whole.length - 3);
            assertEnds(Status.Code.INVALID_ARGUMENT, exchange(home, truncated, true));
            assertEnds(Status.Code.INVALID_ARGUMENT, exchange(home, frame(LocalCall.newBuilder()
                    .setMethod(GET_IDENTITY).setToken(token).setTimeoutMillis(-1).build().toByteArray())));
            // Only the Control service answers here: not another service, nor a made-up method.
            assertEnds(Status.Code.UNIMPLEMENTED, exchange(home, call("grpc.health.v1.Health/Check", token,
                    ByteString.EMPTY)));
            assertEnds(Status.Code.UNIMPLEMENTED, exchange(home, call("parley.control.v1.Control/Shutdown", token,
                    ByteString.EMPTY)));
            // A request that is not the method's message is the service's to refuse.
            LocalReply refused = last(exchange(home, call(GET_IDENTITY, token,
                    ByteString.copyFrom(repeated((byte) 0xff, 9)))));
            assertTrue(refused.hasEnd() && refused.getEnd().getCode() != Status.Code.OK.value(), refused.toString());

            try (ControlClient client = ControlClient.connectOrExplain(home)) {
                assertEquals(SELF, client.identity(), "the daemon serves on");
            }
        }
    }

    @Test
    void aClientThatSendsNoCallIsCutOff() throws Exception {
        ProfileHome home = home();
        ControlToken token = ControlToken.issue(home, new SecureRandom());
        String name = "local-call-test-" + System.nanoTime();
        Server inProcess = InProcessServerBuilder.forName(name)
                .addService(ServerInterceptors.intercept(new ControlService(api), new TokenCheck(token))).build().start();
        ManagedChannel channel = InProcessChannelBuilder.forName(name).build();
        try (LocalCallServer server = LocalCallServer.start(home.cliSocket(), channel, 200);
             SocketChannel idle = connect(home)) {
            ByteBuffer buffer = ByteBuffer.allocate(1);
            assertEquals(-1, idle.read(buffer), "closed without a word once its time was up");
            assertEnds(Status.Code.OK, exchange(home, call(GET_IDENTITY, token.value(), ByteString.EMPTY)));
        } finally {
            channel.shutdownNow();
            inProcess.shutdownNow();
        }
    }

    @Test
    void connectionsBeyondTheLimitAreToldSoAndClosedWatchesFreeTheirPlaces() throws Exception {
        ProfileHome home = home();
        try (ControlServer server = ControlServer.start(api, home)) {
            List<SocketChannel> held = new ArrayList<>();
            try {
                for (int i = 0; i < LocalCallServer.MAX_CONNECTIONS; i++) {
                    held.add(connect(home));
                }
                assertEnds(Status.Code.RESOURCE_EXHAUSTED, exchange(home, call(GET_IDENTITY, "", ByteString.EMPTY)));
            } finally {
                for (SocketChannel connection : held) {
                    connection.close();
                }
            }
            try (ControlClient client = ControlClient.connectOrExplain(home)) {
                for (int i = 0; i < LocalCallServer.MAX_CONNECTIONS + 4; i++) {
                    BlockingQueue<EventView> events = new LinkedBlockingQueue<>();
                    ParleyApi.Subscription watching = client.watch(Optional.empty(), events::add);
                    assertEquals(EventView.WATCHING, events.poll(10, TimeUnit.SECONDS).type());
                    watching.close();
                }
                assertEquals(SELF, client.identity());
                for (int i = 0; i < 500 && !watchers.isEmpty(); i++) {
                    Thread.sleep(10);
                }
                assertEquals(List.of(), watchers, "every closed watch was ended at the daemon");
            }
        }
    }

    /** A watch lasts as long as its client wants it, as on gRPC; a call, the time its client gave it. */
    @Test
    void aWatchRunsWithoutADeadlineAndACallWithTheOneItsClientGave() throws Exception {
        ProfileHome home = home();
        try (ControlServer server = ControlServer.start(api, home);
             ControlClient client = ControlClient.connectOrExplain(home)) {
            assertEquals(SELF, client.identity());
            BlockingQueue<EventView> events = new LinkedBlockingQueue<>();
            ParleyApi.Subscription watching = client.watch(Optional.empty(), events::add);
            assertEquals(EventView.WATCHING, events.poll(10, TimeUnit.SECONDS).type());
            watching.close();
        }
        assertEquals("set", deadlines.get("identity"));
        assertEquals("none", deadlines.get("watch"));
    }

    @Test
    void aCallThatOutlastsItsDeadlineEndsAtTheClient() throws Exception {
        ProfileHome home = home();
        try (ControlServer server = ControlServer.start(api, home)) {
            Metadata headers = new Metadata();
            headers.put(ControlToken.HEADER, ControlToken.read(home).value());
            ControlGrpc.ControlBlockingStub stub = ControlGrpc.newBlockingStub(new LocalCallChannel(home.cliSocket()))
                    .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));
            StatusRuntimeException late = assertThrows(StatusRuntimeException.class, () -> stub
                    .withDeadlineAfter(300, TimeUnit.MILLISECONDS).getStatus(GetStatusRequest.getDefaultInstance()));
            assertEquals(Status.Code.DEADLINE_EXCEEDED, late.getStatus().getCode());
            assertEquals("p1self", stub.getIdentity(GetIdentityRequest.getDefaultInstance()).getPeerId());
        } finally {
            statusMayAnswer.countDown();
        }
    }

    private ProfileHome home() throws IOException {
        ProfileHome home = new ProfileHome(directory.resolve("home"));
        home.create();
        return home;
    }

    /** A call, framed. */
    private static byte[] call(String method, String token, ByteString request) throws IOException {
        return frame(LocalCall.newBuilder().setMethod(method).setToken(token).setRequest(request).build().toByteArray());
    }

    private static byte[] frame(byte[] body) throws IOException {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        com.google.protobuf.CodedOutputStream coded = com.google.protobuf.CodedOutputStream.newInstance(out);
        coded.writeUInt32NoTag(body.length);
        coded.flush();
        out.write(body);
        return out.toByteArray();
    }

    private static byte[] repeated(byte value, int count) {
        byte[] bytes = new byte[count];
        java.util.Arrays.fill(bytes, value);
        return bytes;
    }

    private static SocketChannel connect(ProfileHome home) throws IOException {
        SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
        channel.connect(UnixDomainSocketAddress.of(home.cliSocket()));
        return channel;
    }

    /** Sends {@code bytes} and reads every reply until the daemon closes. */
    private static List<LocalReply> exchange(ProfileHome home, byte[] bytes) throws IOException {
        return exchange(home, bytes, false);
    }

    /**
     * As {@link #exchange(ProfileHome, byte[])}, ending the client's side after the bytes when
     * {@code thenEnd}: for a call cut short (the end of a client's side is the client gone, which
     * ends a call under way).
     */
    private static List<LocalReply> exchange(ProfileHome home, byte[] bytes, boolean thenEnd) throws IOException {
        try (SocketChannel channel = connect(home)) {
            SocketStreams.out(channel).write(bytes);
            if (thenEnd) {
                channel.shutdownOutput();
            }
            InputStream in = SocketStreams.in(channel);
            List<LocalReply> replies = new ArrayList<>();
            for (Optional<byte[]> reply = LocalFrames.read(in, LocalClientCall.MAX_REPLY_BYTES); reply.isPresent();
                 reply = LocalFrames.read(in, LocalClientCall.MAX_REPLY_BYTES)) {
                replies.add(LocalReply.parseFrom(reply.get()));
            }
            return replies;
        }
    }

    private static LocalReply last(List<LocalReply> replies) {
        assertTrue(!replies.isEmpty(), "the daemon answered");
        return replies.get(replies.size() - 1);
    }

    private static void assertEnds(Status.Code code, List<LocalReply> replies) {
        LocalReply end = last(replies);
        assertTrue(end.hasEnd(), "the last reply is the end: " + replies);
        assertEquals(code.value(), end.getEnd().getCode(), end.getEnd().getDescription());
    }
}
