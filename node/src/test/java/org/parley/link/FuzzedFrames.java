package org.parley.link;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageLite;
import com.google.protobuf.Parser;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A fuzzer's input as a conversation: a sequence of messages, each prefixed by its length in two
 * bytes (big-endian), so that one input can carry several frames and the fuzzer can grow any one.
 * A piece that does not parse is left out, as the link layer drops a frame it cannot parse.
 */
public final class FuzzedFrames {
    private FuzzedFrames() {
    }

    public static <T extends MessageLite> List<T> split(byte[] input, Parser<T> parser) {
        List<T> messages = new ArrayList<>();
        for (byte[] piece : pieces(input)) {
            try {
                messages.add(parser.parseFrom(piece));
            } catch (InvalidProtocolBufferException ignored) {
                // never reaches the layer: the link drops it
            }
        }
        return messages;
    }

    /** The raw pieces, for decoders that take bytes themselves. */
    public static List<byte[]> pieces(byte[] input) {
        List<byte[]> pieces = new ArrayList<>();
        int at = 0;
        while (at + 1 < input.length) {
            int length = Math.min(((input[at] & 0xff) << 8) | (input[at + 1] & 0xff), input.length - at - 2);
            pieces.add(Arrays.copyOfRange(input, at + 2, at + 2 + length));
            at += 2 + length;
        }
        return pieces;
    }

    /** The inverse of {@link #pieces}: how the saved inputs are made. */
    public static byte[] join(List<byte[]> pieces) {
        int size = pieces.stream().mapToInt(piece -> 2 + piece.length).sum();
        byte[] joined = new byte[size];
        int at = 0;
        for (byte[] piece : pieces) {
            joined[at] = (byte) (piece.length >>> 8);
            joined[at + 1] = (byte) piece.length;
            System.arraycopy(piece, 0, joined, at + 2, piece.length);
            at += 2 + piece.length;
        }
        return joined;
    }
}
