package org.parley.link.portmap;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** NAT-PMP requests as RFC 6886 lays them out, and what a gateway (or a hostile LAN) may send back. */
class NatPmpCodecTest {
    private static final HexFormat HEX = HexFormat.of();

    @Test
    void requestsAreLaidOutAsTheRfcSays() {
        assertArrayEquals(new byte[] {0, 0}, NatPmpCodec.externalAddressRequest());
        // version 0, opcode 2 (TCP), reserved, internal 7450, suggested 7450, lifetime 7200
        assertEquals("00020000" + "1d1a" + "1d1a" + "00001c20", HEX.formatHex(NatPmpCodec.mapTcpRequest(7450, 7450, 7200)));
        assertEquals("00020000" + "1d1a" + "0000" + "00000000", HEX.formatHex(NatPmpCodec.mapTcpRequest(7450, 0, 0)),
                "a removal: suggested port and lifetime zero");
        assertThrows(IllegalArgumentException.class, () -> NatPmpCodec.mapTcpRequest(0, 1, 1));
        assertThrows(IllegalArgumentException.class, () -> NatPmpCodec.mapTcpRequest(1, 1, -1));
    }

    @Test
    void aGoodMappingAnswerIsRead() throws Exception {
        byte[] answer = mapAnswer(0, 7450, 7451, 3600);
        NatPmpCodec.MapResponse response = NatPmpCodec.decodeMapResponse(answer, answer.length, 7450).orElseThrow();
        assertEquals(new NatPmpCodec.MapResponse(0, 1234, 7450, 7451, 3600), response);
    }

    @Test
    void aGoodAddressAnswerIsRead() throws Exception {
        byte[] answer = HEX.parseHex("0080" + "0000" + "000004d2" + "cb007102");
        NatPmpCodec.AddressResponse response = NatPmpCodec.decodeAddressResponse(answer, answer.length).orElseThrow();
        assertEquals("203.0.113.2", response.address().getHostAddress());
        assertEquals(1234, response.epochSeconds());
    }

    @Test
    void truncatedOversizedAndWrongVersionAnswersAreMalformed() {
        byte[] good = mapAnswer(0, 7450, 7451, 3600);
        for (int length = 0; length < good.length; length++) {
            byte[] cut = Arrays.copyOf(good, length);
            assertThrows(GatewayAnswerException.class, () -> NatPmpCodec.decodeMapResponse(cut, cut.length, 7450),
                    "cut to " + length + " bytes");
        }
        byte[] longer = Arrays.copyOf(good, good.length + 4);
        assertThrows(GatewayAnswerException.class, () -> NatPmpCodec.decodeMapResponse(longer, longer.length, 7450));
        byte[] huge = Arrays.copyOf(good, 1101);
        assertThrows(GatewayAnswerException.class, () -> NatPmpCodec.decodeMapResponse(huge, huge.length, 7450));
        byte[] version1 = good.clone();
        version1[0] = 1;
        assertThrows(GatewayAnswerException.class, () -> NatPmpCodec.decodeMapResponse(version1, version1.length, 7450));
        assertThrows(GatewayAnswerException.class, () -> NatPmpCodec.decodeMapResponse(good, good.length + 1, 7450),
                "a length beyond the buffer");
        byte[] address = HEX.parseHex("0080" + "0000" + "000004d2" + "cb0071");
        assertThrows(GatewayAnswerException.class, () -> NatPmpCodec.decodeAddressResponse(address, address.length));
    }

    @Test
    void anAnswerToAnotherRequestIsNotOurs() throws Exception {
        byte[] udp = mapAnswer(0, 7450, 7451, 3600);
        udp[1] = (byte) 129; // the answer to a UDP mapping request
        assertTrue(NatPmpCodec.decodeMapResponse(udp, udp.length, 7450).isEmpty());
        byte[] otherPort = mapAnswer(0, 9999, 7451, 3600);
        assertTrue(NatPmpCodec.decodeMapResponse(otherPort, otherPort.length, 7450).isEmpty(),
                "an answer about another host's port");
        byte[] request = NatPmpCodec.mapTcpRequest(7450, 7450, 7200);
        assertTrue(NatPmpCodec.decodeMapResponse(request, request.length, 7450).isEmpty(),
                "our own request, echoed, is no answer");
        byte[] addressAnswer = HEX.parseHex("0080" + "0000" + "000004d2" + "cb007102");
        assertTrue(NatPmpCodec.decodeMapResponse(addressAnswer, addressAnswer.length, 7450).isEmpty());
    }

    @Test
    void aRefusalIsReadEvenWhenShort() throws Exception {
        byte[] refusal = HEX.parseHex("0082" + "0002" + "000004d2");
        assertEquals(2, NatPmpCodec.decodeMapResponse(refusal, refusal.length, 7450).orElseThrow().resultCode());
        assertEquals("not authorized or refused", NatPmpCodec.describe(2));
    }

    @Test
    void aSuccessWithoutAPortIsMalformedButARemovalsAnswerIsFine() throws Exception {
        byte[] noPort = mapAnswer(0, 7450, 0, 3600);
        assertThrows(GatewayAnswerException.class, () -> NatPmpCodec.decodeMapResponse(noPort, noPort.length, 7450));
        byte[] removed = mapAnswer(0, 7450, 0, 0);
        assertEquals(0, NatPmpCodec.decodeMapResponse(removed, removed.length, 7450).orElseThrow().lifetimeSeconds());
    }

    static byte[] mapAnswer(int result, int internal, int external, long lifetime) {
        return ByteBuffer.allocate(16).put((byte) 0).put((byte) 130).putShort((short) result).putInt(1234)
                .putShort((short) internal).putShort((short) external).putInt((int) lifetime).array();
    }
}
