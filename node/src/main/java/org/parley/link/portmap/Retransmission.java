package org.parley.link.portmap;

import java.io.IOException;
import java.time.Duration;
import java.util.Optional;
import java.util.logging.Logger;

/**
 * One request to the gateway and the wait for its answer, sent again after 250 ms, then after
 * twice as long each time (RFC 6886, section 3.1; RFC 6887 does the same). RFC 6886 tries nine
 * times, over a minute; a node that starts wants its answer sooner, and tries again later anyway.
 * Datagrams that answer someone else, or are malformed, are passed over: only our answer, or time,
 * ends the wait.
 */
final class Retransmission {
    private static final Logger LOG = Logger.getLogger(Retransmission.class.getName());
    static final Duration FIRST_WAIT = Duration.ofMillis(250);
    static final int TRIES = 3;

    private Retransmission() {
    }

    /** Reads one datagram as the answer we wait for; empty when it answers something else. */
    interface Decoder<T> {
        Optional<T> decode(byte[] datagram) throws GatewayAnswerException;
    }

    /**
     * Our answer, or empty when none came.
     *
     * @throws GatewayAnswerException when the gateway speaks another version of the protocol
     */
    static <T> Optional<T> exchange(GatewayChannel channel, byte[] request, Decoder<T> decoder) throws IOException {
        Duration wait = FIRST_WAIT;
        for (int attempt = 0; attempt < TRIES; attempt++, wait = wait.multipliedBy(2)) {
            channel.send(request);
            long deadline = System.nanoTime() + wait.toNanos();
            for (long left = wait.toNanos(); left > 0; left = deadline - System.nanoTime()) {
                byte[] datagram = channel.receive(Duration.ofNanos(left));
                if (datagram == null) {
                    break;
                }
                try {
                    Optional<T> answer = decoder.decode(datagram);
                    if (answer.isPresent()) {
                        return answer;
                    }
                } catch (GatewayAnswerException e) {
                    if (e.unsupportedVersion()) {
                        throw e;
                    }
                    LOG.fine(() -> "passed over a datagram from the gateway: " + e.getMessage());
                }
            }
        }
        return Optional.empty();
    }
}
