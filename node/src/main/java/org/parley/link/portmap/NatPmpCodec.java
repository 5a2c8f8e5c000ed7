package org.parley.link.portmap;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Optional;

/**
 * NAT-PMP messages (RFC 6886): the requests this node sends its gateway, and strict decoding of
 * what comes back. A datagram that is not exactly the answer's size, or not version 0, is
 * malformed; one with another opcode, or about another port, answers someone else's request and is
 * not ours to use. Sans-I/O.
 */
final class NatPmpCodec {
    static final int VERSION = 0;
    static final int OP_EXTERNAL_ADDRESS = 0;
    static final int OP_MAP_TCP = 2;
    /** A response's opcode is the request's plus this. */
    static final int RESPONSE_BIT = 128;
    static final int ADDRESS_RESPONSE_LENGTH = 12;
    static final int MAP_RESPONSE_LENGTH = 16;
    /** Every error response carries at least the version, opcode, result code and epoch. */
    static final int ERROR_RESPONSE_MIN_LENGTH = 8;
    static final int RESULT_SUCCESS = 0;
    static final int RESULT_UNSUPPORTED_VERSION = 1;

    private NatPmpCodec() {
    }

    /** The gateway's answer to "what is your public address?". */
    record AddressResponse(int resultCode, long epochSeconds, Inet4Address address) {
    }

    /** The gateway's answer to a TCP mapping request. */
    record MapResponse(int resultCode, long epochSeconds, int internalPort, int externalPort, long lifetimeSeconds) {
    }

    static byte[] externalAddressRequest() {
        return new byte[] {VERSION, OP_EXTERNAL_ADDRESS};
    }

    /** Asks for a TCP mapping; a lifetime of 0 with suggested port 0 removes the mapping of {@code internalPort}. */
    static byte[] mapTcpRequest(int internalPort, int suggestedExternalPort, long lifetimeSeconds) {
        checkPort(internalPort);
        if (suggestedExternalPort < 0 || suggestedExternalPort > 65_535) {
            throw new IllegalArgumentException("suggested port " + suggestedExternalPort);
        }
        if (lifetimeSeconds < 0 || lifetimeSeconds > 0xFFFF_FFFFL) {
            throw new IllegalArgumentException("lifetime " + lifetimeSeconds);
        }
        return ByteBuffer.allocate(12)
                .put((byte) VERSION).put((byte) OP_MAP_TCP).putShort((short) 0)
                .putShort((short) internalPort).putShort((short) suggestedExternalPort)
                .putInt((int) lifetimeSeconds)
                .array();
    }

    /**
     * Decodes an answer to {@link #externalAddressRequest}; empty when the datagram answers another
     * request.
     *
     * @throws GatewayAnswerException when it is malformed
     */
    static Optional<AddressResponse> decodeAddressResponse(byte[] data, int length) throws GatewayAnswerException {
        ByteBuffer in = header(data, length, OP_EXTERNAL_ADDRESS);
        if (in == null) {
            return Optional.empty();
        }
        int result = Short.toUnsignedInt(in.getShort());
        long epoch = Integer.toUnsignedLong(in.getInt());
        if (result != RESULT_SUCCESS) {
            return Optional.of(new AddressResponse(result, epoch, null));
        }
        exactLength(length, ADDRESS_RESPONSE_LENGTH);
        byte[] address = new byte[4];
        in.get(address);
        try {
            return Optional.of(new AddressResponse(result, epoch, (Inet4Address) InetAddress.getByAddress(address)));
        } catch (UnknownHostException impossible) {
            throw new IllegalStateException(impossible);
        }
    }

    /**
     * Decodes an answer to {@link #mapTcpRequest} for {@code internalPort}; empty when the datagram
     * answers another request.
     *
     * @throws GatewayAnswerException when it is malformed
     */
    static Optional<MapResponse> decodeMapResponse(byte[] data, int length, int internalPort)
            throws GatewayAnswerException {
        ByteBuffer in = header(data, length, OP_MAP_TCP);
        if (in == null) {
            return Optional.empty();
        }
        int result = Short.toUnsignedInt(in.getShort());
        long epoch = Integer.toUnsignedLong(in.getInt());
        if (result != RESULT_SUCCESS && length < MAP_RESPONSE_LENGTH) {
            return Optional.of(new MapResponse(result, epoch, internalPort, 0, 0));
        }
        exactLength(length, MAP_RESPONSE_LENGTH);
        int answeredPort = Short.toUnsignedInt(in.getShort());
        int externalPort = Short.toUnsignedInt(in.getShort());
        long lifetime = Integer.toUnsignedLong(in.getInt());
        if (answeredPort != internalPort) {
            return Optional.empty();
        }
        // A success with lifetime 0 answers a removal, where the port is 0; a mapping needs one.
        if (result == RESULT_SUCCESS && lifetime != 0 && externalPort == 0) {
            throw new GatewayAnswerException("NAT-PMP success mapping to port 0");
        }
        return Optional.of(new MapResponse(result, epoch, answeredPort, externalPort, lifetime));
    }

    /** What a NAT-PMP result code means (RFC 6886, section 3.5), for the log. */
    static String describe(int resultCode) {
        return switch (resultCode) {
            case 0 -> "success";
            case 1 -> "unsupported version";
            case 2 -> "not authorized or refused";
            case 3 -> "network failure";
            case 4 -> "out of resources";
            case 5 -> "unsupported opcode";
            default -> "result code " + resultCode;
        };
    }

    /**
     * Checks version and size; null when the opcode says it answers another request, else a buffer
     * positioned at the result code.
     */
    private static ByteBuffer header(byte[] data, int length, int requestOpcode) throws GatewayAnswerException {
        if (length < ERROR_RESPONSE_MIN_LENGTH || length > data.length) {
            throw new GatewayAnswerException("NAT-PMP answer of " + length + " bytes");
        }
        if (length > MAP_RESPONSE_LENGTH) {
            throw new GatewayAnswerException("NAT-PMP answer of " + length + " bytes, longer than any");
        }
        ByteBuffer in = ByteBuffer.wrap(Arrays.copyOf(data, length));
        int version = Byte.toUnsignedInt(in.get());
        if (version != VERSION) {
            throw new GatewayAnswerException("NAT-PMP answer of version " + version);
        }
        int opcode = Byte.toUnsignedInt(in.get());
        return opcode == RESPONSE_BIT + requestOpcode ? in : null;
    }

    private static void exactLength(int length, int expected) throws GatewayAnswerException {
        if (length != expected) {
            throw new GatewayAnswerException("NAT-PMP answer of " + length + " bytes where " + expected + " belong");
        }
    }

    private static void checkPort(int port) {
        if (port < 1 || port > 65_535) {
            throw new IllegalArgumentException("port " + port);
        }
    }
}
