package org.parley.link.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.google.protobuf.ByteString;
import io.grpc.Context;
import io.grpc.Status;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.parley.identity.PeerId;
import org.parley.link.EmbeddedLinks;
import org.parley.link.FuzzedFrames;
import org.parley.link.relay.CircuitRelay;
import org.parley.link.relay.RelayLimits;
import org.parley.proto.wire.v1.CircuitChunk;
import org.parley.proto.wire.v1.Frame;
import org.parley.proto.wire.v1.RelayFrame;
import org.parley.proto.wire.v1.ReserveRequest;
import org.parley.runtime.VirtualScheduler;

/**
 * A stream of arbitrary circuit chunks from a peer at a relay, which splices it to an honest
 * reserved peer whenever it asks for that one: nothing escapes; the honest end receives the
 * relay's word on where the dialler is, then exactly the data chunks the dialler sent until its
 * first wrong one, never anything else and never more than the circuit's budget; a wrong chunk
 * ends both ends and scores the dialler; and once the streams are gone the relay holds no circuit
 * and still splices an honest dialler. The chunks are delivered as gRPC would, one per request.
 */
class CircuitChunkFuzzTest {
    /** Fixed keys, so that saved inputs can ask for the honest peer (the relay checks only their length). */
    private static final PeerId MALLORY = key(1);
    private static final PeerId HONEST = key(2);
    private static final PeerId CAROL = key(3);
    private static final Context.Key<PeerId> PEER = Context.key("peer");
    private static final Context.Key<String> ADDRESS = Context.key("address");
    /** Small enough that the fuzzer reaches the byte and rate limits. */
    private static final RelayLimits LIMITS = RelayLimits.defaults()
            .withCircuitBudget(32 * 1024, 64 * 1024, Duration.ofMinutes(1));

    @FuzzTest(maxDuration = "60s")
    void hostileCircuitChunksReachTheOtherEndOnlyAsTheirData(byte[] input) {
        VirtualScheduler loop = new VirtualScheduler(1_700_000_000_000L);
        EmbeddedLinks links = new EmbeddedLinks();
        CircuitRelay<CircuitEndpoint.End> relay = new CircuitRelay<>(links, peer -> false, loop, loop, LIMITS);
        links.addListener(relay);
        List.of(MALLORY, HONEST, CAROL).forEach(links::open);
        relay.frameReceived(HONEST, Frame.newBuilder().setRelay(RelayFrame.newBuilder()
                .setReserve(ReserveRequest.getDefaultInstance())).build());
        loop.runUntilIdle();
        CircuitEndpoint endpoint = new CircuitEndpoint(PEER, ADDRESS, loop, () -> relay, RelayTampering.NONE,
                circuit -> { });

        FakeCircuitStream mallory = open(endpoint, MALLORY, "203.0.113.7:4000");
        List<FakeCircuitStream> honestEnds = new ArrayList<>();
        List<CircuitChunk> delivered = new ArrayList<>();
        for (CircuitChunk chunk : FuzzedFrames.split(input, CircuitChunk.parser())) {
            if (!mallory.awaitRequest(loop)) {
                break;
            }
            delivered.add(chunk);
            mallory.deliver(chunk);
            loop.advance(Duration.ofMillis(10));
            answerOffers(links, endpoint, honestEnds, loop);
        }

        assertTrue(honestEnds.size() <= 1, "one stream opened one circuit");
        if (!honestEnds.isEmpty()) {
            FakeCircuitStream honest = honestEnds.get(0);
            List<CircuitChunk> received = honest.sent();
            assertEquals(CircuitChunk.newBuilder().setPeerAddress("203.0.113.7:4000").build(), received.get(0),
                    "the relay names where it sees the dialler, first");
            List<ByteString> carried = received.subList(1, received.size()).stream().map(CircuitChunk::getData).toList();
            assertTrue(received.subList(1, received.size()).stream()
                    .allMatch(chunk -> chunk.equals(CircuitChunk.newBuilder().setData(chunk.getData()).build())),
                    "the honest end gets nothing but data");
            List<ByteString> expected = dataAfterTheOpening(delivered);
            assertTrue(carried.size() <= expected.size(), "nothing but the dialler's data");
            assertEquals(expected.subList(0, carried.size()), carried, "the dialler's data, in order, unchanged");
            if (carried.size() < expected.size()) {
                assertEquals(Status.Code.RESOURCE_EXHAUSTED, mallory.status().getCode(),
                        "data is held back only when the circuit's budget is spent");
            }
            assertTrue(carried.stream().mapToLong(ByteString::size).sum() <= LIMITS.maxCircuitBytes(),
                    "never more than the circuit's budget");
            if (mallory.status() != null) {
                assertTrue(honest.status() != null, "one end ending ends the other");
            }
        }
        if (mallory.status() != null && mallory.status().getCode() == Status.Code.INVALID_ARGUMENT) {
            assertTrue(links.penalties().getOrDefault(MALLORY, 0.0) > 0, "a malformed stream is scored");
        }
        assertTrue(links.penalties().getOrDefault(HONEST, 0.0) == 0, "the honest end is never blamed");

        mallory.completeFromPeer();
        honestEnds.forEach(FakeCircuitStream::completeFromPeer);
        loop.advance(LIMITS.answerTimeout().plusSeconds(1));
        assertEquals(0, relay.circuitCount(), "no circuit outlives its streams");

        FakeCircuitStream carol = open(endpoint, CAROL, "198.51.100.9:5000");
        carol.deliver(CircuitChunk.newBuilder().setConnect(ByteString.copyFrom(HONEST.publicKey())).build());
        loop.runUntilIdle();
        assertTrue(carol.status() == null, "an honest dialler is still admitted");
        assertEquals(1, relay.circuitCount());
    }

    /**
     * What the honest end may be sent: the data chunks that followed the dialler's opening, up to
     * its first chunk that is not data of 1 to 16 KiB. Only the bytes: fields this version does not
     * know are not passed on.
     */
    private static List<ByteString> dataAfterTheOpening(List<CircuitChunk> delivered) {
        List<ByteString> expected = new ArrayList<>();
        for (CircuitChunk chunk : delivered.subList(1, delivered.size())) {
            if (chunk.getBodyCase() != CircuitChunk.BodyCase.DATA || chunk.getData().isEmpty()
                    || chunk.getData().size() > LocalPipe.MAX_CHUNK) {
                break;
            }
            expected.add(chunk.getData());
        }
        return expected;
    }

    /** The honest reserved peer accepts each circuit offered to it, on a stream of its own. */
    private static void answerOffers(EmbeddedLinks links, CircuitEndpoint endpoint, List<FakeCircuitStream> ends,
                                     VirtualScheduler loop) {
        for (Frame frame : links.takeSent(HONEST)) {
            if (frame.getRelay().getBodyCase() == RelayFrame.BodyCase.OFFER) {
                FakeCircuitStream honest = open(endpoint, HONEST, "192.0.2.1:6000");
                honest.deliver(CircuitChunk.newBuilder().setAccept(frame.getRelay().getOffer().getCircuit()).build());
                ends.add(honest);
                loop.runUntilIdle();
            }
        }
    }

    private static PeerId key(int fill) {
        byte[] key = new byte[32];
        java.util.Arrays.fill(key, (byte) fill);
        return PeerId.fromPublicKey(key);
    }

    private static FakeCircuitStream open(CircuitEndpoint endpoint, PeerId peer, String address) {
        FakeCircuitStream stream = new FakeCircuitStream();
        Context context = Context.current().withValues(PEER, peer, ADDRESS, address);
        Context previous = context.attach();
        try {
            stream.inbound = endpoint.circuit(stream);
        } finally {
            context.detach(previous);
        }
        return stream;
    }
}
