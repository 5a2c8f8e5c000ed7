package org.parley.link.portmap;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Optional;

/**
 * PCP MAP messages (RFC 6887) for one TCP port: the request this node sends its gateway, and
 * strict decoding of what comes back. Malformed datagrams (truncated, oversized, not a whole
 * number of 32-bit words, options that overrun the message) throw; a datagram of another version
 * throws the "unsupported version" kind (a NAT-PMP-only router answers PCP that way); one that is
 * not a response, not MAP, or carries another nonce, protocol or port answers no request of ours
 * and is not ours to use. Sans-I/O.
 */
final class PcpCodec {
    static final int VERSION = 2;
    static final int OPCODE_MAP = 1;
    static final int RESPONSE_BIT = 0x80;
    static final int PROTOCOL_TCP = 6;
    static final int NONCE_LENGTH = 12;
    static final int HEADER_LENGTH = 24;
    static final int MAP_LENGTH = HEADER_LENGTH + 36;
    /** RFC 6887, section 7: no PCP message is longer. */
    static final int MAX_LENGTH = 1100;
    static final int RESULT_SUCCESS = 0;
    static final int RESULT_UNSUPPORTED_VERSION = 1;

    private PcpCodec() {
    }

    /** The gateway's answer to our MAP request. */
    record MapResponse(int resultCode, long lifetimeSeconds, long epochSeconds, int externalPort,
                       InetAddress externalAddress) {
    }

    /**
     * A MAP request for TCP port {@code internalPort}. A lifetime of 0 deletes the mapping made with
     * the same nonce.
     *
     * @param client this host's address as it sends the request (the gateway checks it)
     * @param suggestedExternal the external address to ask for again on renewal; null for any
     */
    static byte[] mapRequest(byte[] nonce, InetAddress client, long lifetimeSeconds, int internalPort,
                             int suggestedExternalPort, InetAddress suggestedExternal) {
        if (nonce.length != NONCE_LENGTH) {
            throw new IllegalArgumentException("nonce of " + nonce.length + " bytes");
        }
        if (internalPort < 1 || internalPort > 65_535 || suggestedExternalPort < 0 || suggestedExternalPort > 65_535) {
            throw new IllegalArgumentException("ports " + internalPort + ", " + suggestedExternalPort);
        }
        if (lifetimeSeconds < 0 || lifetimeSeconds > 0xFFFF_FFFFL) {
            throw new IllegalArgumentException("lifetime " + lifetimeSeconds);
        }
        return ByteBuffer.allocate(MAP_LENGTH)
                .put((byte) VERSION).put((byte) OPCODE_MAP).putShort((short) 0)
                .putInt((int) lifetimeSeconds)
                .put(sixteenBytes(client))
                .put(nonce)
                .put((byte) PROTOCOL_TCP).put(new byte[3])
                .putShort((short) internalPort).putShort((short) suggestedExternalPort)
                .put(suggestedExternal == null ? new byte[16] : sixteenBytes(suggestedExternal))
                .array();
    }

    /**
     * Decodes a datagram from the gateway as the answer to our MAP request with {@code nonce} for
     * {@code internalPort}; empty when it answers something else.
     *
     * @throws GatewayAnswerException when it is malformed or of another version
     */
    static Optional<MapResponse> decodeMapResponse(byte[] data, int length, byte[] nonce, int internalPort)
            throws GatewayAnswerException {
        if (length < 4 || length > data.length) {
            throw new GatewayAnswerException("PCP answer of " + length + " bytes");
        }
        if (length > MAX_LENGTH) {
            throw new GatewayAnswerException("PCP answer of " + length + " bytes, over the limit of " + MAX_LENGTH);
        }
        ByteBuffer in = ByteBuffer.wrap(Arrays.copyOf(data, length));
        int version = Byte.toUnsignedInt(in.get());
        int opcode = Byte.toUnsignedInt(in.get());
        if (version != VERSION) {
            // A NAT-PMP router answers with its version 0 and result code 1; anything else of another
            // version is no PCP we speak either.
            throw GatewayAnswerException.unsupportedVersion("the gateway answered PCP with version " + version);
        }
        if (length < HEADER_LENGTH || length % 4 != 0) {
            throw new GatewayAnswerException("PCP answer of " + length + " bytes");
        }
        if ((opcode & RESPONSE_BIT) == 0 || (opcode & ~RESPONSE_BIT) != OPCODE_MAP) {
            return Optional.empty();
        }
        if (length < MAP_LENGTH) {
            // Only the header: nothing ties it to our nonce.
            throw new GatewayAnswerException("PCP MAP answer of " + length + " bytes");
        }
        in.get(); // reserved
        int result = Byte.toUnsignedInt(in.get());
        long lifetime = Integer.toUnsignedLong(in.getInt());
        long epoch = Integer.toUnsignedLong(in.getInt());
        in.position(HEADER_LENGTH);
        byte[] answeredNonce = new byte[NONCE_LENGTH];
        in.get(answeredNonce);
        int protocol = Byte.toUnsignedInt(in.get());
        in.position(in.position() + 3);
        int answeredPort = Short.toUnsignedInt(in.getShort());
        int externalPort = Short.toUnsignedInt(in.getShort());
        byte[] external = new byte[16];
        in.get(external);
        checkOptions(in);
        if (!MessageDigest.isEqual(answeredNonce, nonce) || protocol != PROTOCOL_TCP
                || answeredPort != internalPort) {
            return Optional.empty();
        }
        // A success with lifetime 0 answers a deletion, where the port may be 0; a mapping needs one.
        if (result == RESULT_SUCCESS && lifetime != 0 && externalPort == 0) {
            throw new GatewayAnswerException("PCP success mapping to port 0");
        }
        InetAddress address = address(external);
        return Optional.of(new MapResponse(result, lifetime, epoch, externalPort, address));
    }

    /** What a PCP result code means (RFC 6887, section 7.4), for the log. */
    static String describe(int resultCode) {
        return switch (resultCode) {
            case 0 -> "success";
            case 1 -> "unsupported version";
            case 2 -> "not authorized";
            case 3 -> "malformed request";
            case 4 -> "unsupported opcode";
            case 5 -> "unsupported option";
            case 6 -> "malformed option";
            case 7 -> "network failure";
            case 8 -> "no resources";
            case 9 -> "unsupported protocol";
            case 10 -> "user exceeded quota";
            case 11 -> "cannot provide the external address";
            case 12 -> "address mismatch";
            case 13 -> "excessive remote peers";
            default -> "result code " + resultCode;
        };
    }

    /** Options follow the opcode's fields: each a 4-byte header and its data padded to 32 bits; none may overrun. */
    private static void checkOptions(ByteBuffer in) throws GatewayAnswerException {
        while (in.hasRemaining()) {
            if (in.remaining() < 4) {
                throw new GatewayAnswerException("PCP option header cut short");
            }
            in.get(); // option code: we asked for none, so any that came back is only skipped
            in.get();
            int dataLength = Short.toUnsignedInt(in.getShort());
            int padded = (dataLength + 3) & ~3;
            if (padded > in.remaining()) {
                throw new GatewayAnswerException("PCP option of " + dataLength + " bytes overruns the answer");
            }
            in.position(in.position() + padded);
        }
    }

    /** An address as PCP carries it: IPv6, or IPv4 mapped into IPv6 ({@code ::ffff:a.b.c.d}). */
    static byte[] sixteenBytes(InetAddress address) {
        if (address instanceof Inet4Address) {
            byte[] mapped = new byte[16];
            mapped[10] = (byte) 0xFF;
            mapped[11] = (byte) 0xFF;
            System.arraycopy(address.getAddress(), 0, mapped, 12, 4);
            return mapped;
        }
        if (address instanceof Inet6Address) {
            return address.getAddress();
        }
        throw new IllegalArgumentException("not an IP address: " + address);
    }

    /** The address in PCP's 16 bytes; an IPv4-mapped one as IPv4. */
    static InetAddress address(byte[] sixteen) {
        try {
            // InetAddress.getByAddress turns an IPv4-mapped IPv6 address into the IPv4 address itself.
            return InetAddress.getByAddress(sixteen);
        } catch (UnknownHostException impossible) {
            throw new IllegalStateException(impossible);
        }
    }
}
