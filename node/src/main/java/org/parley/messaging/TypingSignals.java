package org.parley.messaging;

import com.google.protobuf.ByteString;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.parley.identity.PeerId;
import org.parley.proto.wire.v1.Content;
import org.parley.proto.wire.v1.Typing;
import org.parley.runtime.Clock;

/**
 * Typing indicators (decision 0053): ephemeral. Ours go through the ratchet over a live link only
 * (never an outbox, a mailbox or a retry), a start at most once every {@link #SEND_EVERY} and a
 * stop only after a start. A contact's are told to the listeners, never stored; one from a
 * mailbox is stale and dropped, and a flood is thinned to one event per {@link #HEAR_EVERY}, with
 * one entry per contact at most (strangers never get one). Confined to the loop.
 */
final class TypingSignals {
    /** How often a start goes out while the user keeps typing: a client shows one for a few seconds. */
    static final Duration SEND_EVERY = Duration.ofSeconds(3);
    /** The most often a contact's start is told on: an honest one sends one every {@link #SEND_EVERY}. */
    static final Duration HEAR_EVERY = Duration.ofSeconds(1);

    private final SignalSwitches switches;
    private final Courier courier;
    private final Clock clock;
    private final SecureRandom random;
    private final MessagingEvents events;
    /** Per contact we typed to: when the last start went out, or absent once a stop did. */
    private final Map<PeerId, Long> sentStart = new HashMap<>();
    /** Per contact that typed to us: when its last start was told on, or absent once its stop was. */
    private final Map<PeerId, Long> heardStart = new HashMap<>();

    TypingSignals(SignalSwitches switches, Courier courier, Clock clock, SecureRandom random, MessagingEvents events) {
        this.switches = switches;
        this.courier = courier;
        this.clock = clock;
        this.random = random;
        this.events = events;
    }

    boolean send(PeerId peer, boolean active) {
        if (!switches.typingWith(peer)) {
            sentStart.remove(peer);
            return false;
        }
        long now = clock.nowMillis();
        Long last = sentStart.get(peer);
        if (active ? last != null && now - last < SEND_EVERY.toMillis() : last == null) {
            return false;
        }
        boolean sent = courier.sendEncryptedLive(peer, Content.newBuilder()
                .setMessageId(ByteString.copyFrom(MessageId.random(random).bytes()))
                .setSentAtMs(now)
                .setTyping(Typing.newBuilder().setActive(active))
                .build().toByteArray());
        if (sent && active) {
            sentStart.put(peer, now);
        } else {
            sentStart.remove(peer);
        }
        return sent;
    }

    /** A contact's typing signal, decrypted; {@code relayed}: a mailbox replica carried it. */
    void heard(PeerId sender, boolean active, boolean relayed) {
        if (relayed || !switches.typingWith(sender)) {
            return;
        }
        long now = clock.nowMillis();
        Long last = heardStart.get(sender);
        if (active) {
            if (last != null && now - last < HEAR_EVERY.toMillis()) {
                return;
            }
            heardStart.put(sender, now);
        } else {
            if (last == null) {
                return;
            }
            heardStart.remove(sender);
        }
        events.typing(sender, active);
    }

    /** A text came from {@code sender}: its client stopped showing it typing, and so do we. */
    void messageFrom(PeerId sender) {
        heardStart.remove(sender);
    }
}
