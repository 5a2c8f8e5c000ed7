package org.parley.link.portmap;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Queue;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.parley.link.HostPort;

/** The PCP and NAT-PMP clients against scripted gateways, hostile ones among them, and the order they are tried in. */
class GatewayClientsTest {
    private static final Duration LIFETIME = Duration.ofHours(2);

    @Test
    void pcpPassesOverUnsolicitedAndMalformedAnswersAndKeepsItsNonceForRenewalAndRemoval() throws Exception {
        ScriptedGateway gateway = new ScriptedGateway(request -> {
            byte[] nonce = Arrays.copyOfRange(request, 24, 36);
            long lifetime = Integer.toUnsignedLong(ByteBuffer.wrap(request).getInt(4));
            return List.of(
                    PcpCodecTest.answer(0, new byte[12], 7450, 1, 3600, 0), // someone else's nonce
                    new byte[] {2, (byte) 0x81, 0}, // garbage
                    PcpCodecTest.answer(0, nonce, 7450, lifetime == 0 ? 0 : 7451, lifetime == 0 ? 0 : 3600, 0));
        });
        PcpClient pcp = new PcpClient(gateway, new SecureRandom());

        PortMapping mapping = pcp.map(7450, LIFETIME).orElseThrow();
        assertEquals(new PortMapping(MappingProtocol.PCP, new HostPort("203.0.113.2", 7451), 7450,
                Duration.ofSeconds(3600)), mapping);
        byte[] first = gateway.sent.get(0);
        assertEquals(7200, ByteBuffer.wrap(first).getInt(4), "two hours asked");
        assertEquals("10.1.0.2", InetAddress.getByAddress(Arrays.copyOfRange(first, 8, 24)).getHostAddress(),
                "the client address is ours");

        pcp.map(7450, LIFETIME).orElseThrow();
        byte[] renewal = gateway.sent.get(1);
        assertArrayEquals(Arrays.copyOfRange(first, 24, 36), Arrays.copyOfRange(renewal, 24, 36), "same nonce");
        assertEquals(7451, ByteBuffer.wrap(renewal).getShort(42), "the port granted before is asked for again");

        pcp.unmap(mapping);
        byte[] removal = gateway.sent.get(2);
        assertEquals(0, ByteBuffer.wrap(removal).getInt(4), "lifetime 0 removes");
        assertArrayEquals(Arrays.copyOfRange(first, 24, 36), Arrays.copyOfRange(removal, 24, 36));
        assertEquals(3, gateway.sent.size(), "each answered at the first try");
    }

    @Test
    void aNatPmpRouterAnswersPcpWithItsVersionAndIsThenAskedInNatPmp() throws Exception {
        ScriptedGateway gateway = new ScriptedGateway(request -> {
            if (request[0] == 2) {
                return List.of(ByteBuffer.allocate(8).put((byte) 0).put((byte) 0x81).putShort((short) 1).putInt(5)
                        .array());
            }
            if (request[1] == 0) {
                return List.of(ByteBuffer.allocate(12).put((byte) 0).put((byte) 128).putShort((short) 0).putInt(5)
                        .put(new byte[] {(byte) 203, 0, 113, 2}).array());
            }
            int internal = Short.toUnsignedInt(ByteBuffer.wrap(request).getShort(4));
            long lifetime = Integer.toUnsignedLong(ByteBuffer.wrap(request).getInt(8));
            return List.of(
                    NatPmpCodecTest.mapAnswer(0, 9999, 9999, 3600), // an answer about another port: not ours
                    NatPmpCodecTest.mapAnswer(0, internal, lifetime == 0 ? 0 : 7450, lifetime));
        });
        RouterPortMapper router = new RouterPortMapper(List.of(new PcpClient(gateway, new SecureRandom()),
                new NatPmpClient(gateway), new UpnpIgdClient(UpnpIgdClientTest.noRouter())));

        PortMapping mapping = router.map(7450, LIFETIME).orElseThrow();
        assertEquals(MappingProtocol.NAT_PMP, mapping.protocol());
        assertEquals(new HostPort("203.0.113.2", 7450), mapping.external());
        assertEquals(LIFETIME, mapping.lifetime());
        int before = gateway.sent.size();
        router.map(7450, LIFETIME).orElseThrow();
        assertTrue(gateway.sent.subList(before, gateway.sent.size()).stream().allMatch(request -> request[0] == 0),
                "renewals go straight to NAT-PMP");
        router.unmap(mapping);
        byte[] removal = gateway.sent.get(gateway.sent.size() - 1);
        assertEquals(0, ByteBuffer.wrap(removal).getInt(8), "lifetime 0 removes");
    }

    @Test
    void aSilentGatewayIsAskedAFewTimesAndThenGivenUp() throws Exception {
        ScriptedGateway silent = new ScriptedGateway(request -> List.of());
        RouterPortMapper router = new RouterPortMapper(List.of(new PcpClient(silent, new SecureRandom()),
                new NatPmpClient(silent), new UpnpIgdClient(UpnpIgdClientTest.noRouter())));
        assertEquals(Optional.empty(), router.map(7450, LIFETIME));
        assertEquals(2 * Retransmission.TRIES, silent.sent.size(), "PCP, then NAT-PMP's address request");
    }

    @Test
    void aRefusalSaysWhy() {
        ScriptedGateway refusing = new ScriptedGateway(request -> List.of(
                PcpCodecTest.answer(2, Arrays.copyOfRange(request, 24, 36), 7450, 0, 0, 0)));
        IOException refused = assertThrows(IOException.class,
                () -> new PcpClient(refusing, new SecureRandom()).map(7450, LIFETIME));
        assertTrue(refused.getMessage().contains("not authorized"), refused.getMessage());
    }

    @Test
    void noGatewayMeansNoMappingWithoutAskingAnyone() throws Exception {
        GatewayChannels none = Optional::empty;
        assertEquals(Optional.empty(), new PcpClient(none, new SecureRandom()).map(7450, LIFETIME));
        assertEquals(Optional.empty(), new NatPmpClient(none).map(7450, LIFETIME));
    }

    @Test
    void theDefaultGatewayIsReadFromTheRoutingTable() {
        String table = """
                Iface	Destination	Gateway 	Flags	RefCnt	Use	Metric	Mask		MTU	Window	IRTT
                eth0	0001000A	00000000	0001	0	0	0	00FFFFFF	0	0	0
                eth0	00000000	0100010A	0003	0	0	0	00000000	0	0	0
                """;
        assertEquals("10.1.0.1", DefaultGateway.parse(table).orElseThrow().getHostAddress());
        assertEquals(Optional.empty(), DefaultGateway.parse("Iface\tDestination\tGateway\n"));
        assertEquals(Optional.empty(), DefaultGateway.parse("eth0\t00000000\tzz\t0003\n"), "garbage");
        assertEquals(Optional.empty(), DefaultGateway.parse("eth0\t00000000\t0100010A\t0001\n"),
                "a default route without a gateway flag");
    }

    /** A gateway that answers each request with the datagrams {@code answers} makes of it. */
    static final class ScriptedGateway implements GatewayChannels {
        final List<byte[]> sent = new ArrayList<>();
        private final Function<byte[], List<byte[]>> answers;

        ScriptedGateway(Function<byte[], List<byte[]>> answers) {
            this.answers = answers;
        }

        @Override
        public Optional<GatewayChannel> open() {
            Queue<byte[]> inbox = new ArrayDeque<>();
            return Optional.of(new GatewayChannel() {
                @Override
                public InetAddress localAddress() {
                    try {
                        return InetAddress.getByName("10.1.0.2");
                    } catch (IOException e) {
                        throw new IllegalStateException(e);
                    }
                }

                @Override
                public void send(byte[] datagram) {
                    sent.add(datagram.clone());
                    inbox.addAll(answers.apply(datagram));
                }

                @Override
                public byte[] receive(Duration timeout) {
                    return inbox.poll();
                }

                @Override
                public void close() {
                }
            });
        }
    }
}
