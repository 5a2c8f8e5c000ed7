package org.parley.link.portmap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** PCP MAP messages as RFC 6887 lays them out, and what a gateway (or a hostile LAN) may send back. */
class PcpCodecTest {
    private static final HexFormat HEX = HexFormat.of();
    static final byte[] NONCE = HEX.parseHex("0102030405060708090a0b0c");

    @Test
    void theRequestIsLaidOutAsTheRfcSays() throws Exception {
        byte[] request = PcpCodec.mapRequest(NONCE, InetAddress.getByName("10.1.0.2"), 7200, 7450, 7450, null);
        assertEquals(60, request.length);
        assertEquals("02010000" + "00001c20" + "00000000000000000000ffff0a010002"
                        + "0102030405060708090a0b0c" + "06000000" + "1d1a1d1a" + "00".repeat(16),
                HEX.formatHex(request));
        byte[] renewal = PcpCodec.mapRequest(NONCE, InetAddress.getByName("10.1.0.2"), 7200, 7450, 7451,
                InetAddress.getByName("203.0.113.2"));
        assertEquals("00000000000000000000ffffcb007102", HEX.formatHex(Arrays.copyOfRange(renewal, 44, 60)),
                "the address granted before is asked for again");
        assertThrows(IllegalArgumentException.class,
                () -> PcpCodec.mapRequest(new byte[11], InetAddress.getByName("10.1.0.2"), 1, 1, 1, null));
    }

    @Test
    void aGoodAnswerIsRead() throws Exception {
        byte[] answer = answer(0, NONCE, 7450, 7451, 3600, 0);
        PcpCodec.MapResponse response = PcpCodec.decodeMapResponse(answer, answer.length, NONCE, 7450).orElseThrow();
        assertEquals(0, response.resultCode());
        assertEquals(7451, response.externalPort());
        assertEquals(3600, response.lifetimeSeconds());
        assertEquals("203.0.113.2", response.externalAddress().getHostAddress());
    }

    @Test
    void optionsAfterTheFieldsAreSkippedWhenWellFormed() throws Exception {
        byte[] answer = answer(0, NONCE, 7450, 7451, 3600, 12);
        ByteBuffer.wrap(answer, 60, 12).put((byte) 0x80).put((byte) 0).putShort((short) 5); // 5 bytes, padded to 8
        assertEquals(7451, PcpCodec.decodeMapResponse(answer, answer.length, NONCE, 7450).orElseThrow()
                .externalPort());
        ByteBuffer.wrap(answer).putShort(62, (short) 9); // now it claims more than there is
        assertThrows(GatewayAnswerException.class, () -> PcpCodec.decodeMapResponse(answer, answer.length, NONCE, 7450));
    }

    @Test
    void truncatedOversizedAndMisalignedAnswersAreMalformed() {
        byte[] good = answer(0, NONCE, 7450, 7451, 3600, 0);
        for (int length = 0; length < good.length; length++) {
            byte[] cut = Arrays.copyOf(good, length);
            assertThrows(GatewayAnswerException.class, () -> PcpCodec.decodeMapResponse(cut, cut.length, NONCE, 7450),
                    "cut to " + length + " bytes");
        }
        byte[] oversized = answer(0, NONCE, 7450, 7451, 3600, 1044);
        ByteBuffer.wrap(oversized, 60, 4).put((byte) 0x80).put((byte) 0).putShort((short) 1040);
        assertThrows(GatewayAnswerException.class,
                () -> PcpCodec.decodeMapResponse(oversized, oversized.length, NONCE, 7450), "1104 bytes");
        byte[] misaligned = Arrays.copyOf(good, 62);
        assertThrows(GatewayAnswerException.class,
                () -> PcpCodec.decodeMapResponse(misaligned, misaligned.length, NONCE, 7450));
    }

    @Test
    void anotherVersionSaysTheGatewaySpeaksAnotherProtocol() {
        byte[] natPmp = HEX.parseHex("0081" + "0001" + "000004d2"); // a NAT-PMP router: unsupported version
        GatewayAnswerException e = assertThrows(GatewayAnswerException.class,
                () -> PcpCodec.decodeMapResponse(natPmp, natPmp.length, NONCE, 7450));
        assertTrue(e.unsupportedVersion());
        byte[] version1 = answer(0, NONCE, 7450, 7451, 3600, 0);
        version1[0] = 1;
        assertTrue(assertThrows(GatewayAnswerException.class,
                () -> PcpCodec.decodeMapResponse(version1, version1.length, NONCE, 7450)).unsupportedVersion());
    }

    @Test
    void answersToOtherRequestsAreNotOurs() throws Exception {
        byte[] wrongNonce = answer(0, HEX.parseHex("ffffffffffffffffffffffff"), 7450, 7451, 3600, 0);
        assertTrue(PcpCodec.decodeMapResponse(wrongNonce, wrongNonce.length, NONCE, 7450).isEmpty(), "wrong nonce");
        byte[] otherPort = answer(0, NONCE, 9999, 7451, 3600, 0);
        assertTrue(PcpCodec.decodeMapResponse(otherPort, otherPort.length, NONCE, 7450).isEmpty(), "other port");
        byte[] udp = answer(0, NONCE, 7450, 7451, 3600, 0);
        udp[24 + 12] = 17;
        assertTrue(PcpCodec.decodeMapResponse(udp, udp.length, NONCE, 7450).isEmpty(), "UDP, not TCP");
        byte[] peer = answer(0, NONCE, 7450, 7451, 3600, 0);
        peer[1] = (byte) 0x82;
        assertTrue(PcpCodec.decodeMapResponse(peer, peer.length, NONCE, 7450).isEmpty(), "the PEER opcode");
        byte[] request = PcpCodec.mapRequest(NONCE, InetAddress.getByName("10.1.0.2"), 7200, 7450, 7450, null);
        assertTrue(PcpCodec.decodeMapResponse(request, request.length, NONCE, 7450).isEmpty(),
                "a request (our own, echoed) is no answer");
        byte[] headerOnly = Arrays.copyOf(answer(8, NONCE, 7450, 0, 0, 0), 24);
        assertThrows(GatewayAnswerException.class,
                () -> PcpCodec.decodeMapResponse(headerOnly, headerOnly.length, NONCE, 7450),
                "an error without the nonce cannot be tied to our request");
    }

    @Test
    void aRefusalIsReadAndASuccessWithoutAPortIsMalformed() throws Exception {
        byte[] refusal = answer(2, NONCE, 7450, 0, 0, 0);
        assertEquals(2, PcpCodec.decodeMapResponse(refusal, refusal.length, NONCE, 7450).orElseThrow().resultCode());
        assertEquals("not authorized", PcpCodec.describe(2));
        byte[] noPort = answer(0, NONCE, 7450, 0, 3600, 0);
        assertThrows(GatewayAnswerException.class, () -> PcpCodec.decodeMapResponse(noPort, noPort.length, NONCE, 7450));
        byte[] deleted = answer(0, NONCE, 7450, 0, 0, 0);
        assertEquals(0, PcpCodec.decodeMapResponse(deleted, deleted.length, NONCE, 7450).orElseThrow()
                .lifetimeSeconds());
    }

    /** A MAP answer with {@code extra} bytes of room for options after the fields. */
    static byte[] answer(int result, byte[] nonce, int internal, int external, long lifetime, int extra) {
        ByteBuffer out = ByteBuffer.allocate(60 + extra)
                .put((byte) 2).put((byte) 0x81).put((byte) 0).put((byte) result)
                .putInt((int) lifetime).putInt(1234).put(new byte[12])
                .put(nonce).put((byte) 6).put(new byte[3])
                .putShort((short) internal).putShort((short) external)
                .put(PcpCodec.sixteenBytes(address("203.0.113.2")));
        return out.array();
    }

    private static InetAddress address(String text) {
        try {
            return InetAddress.getByName(text);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
