package org.parley.sim;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.parley.identity.Identity;
import org.parley.identity.PeerId;
import org.parley.link.DialTarget;
import org.parley.messaging.Envelope;
import org.parley.overlay.record.PeerRecord;
import org.parley.proto.wire.v1.Frame;
import org.parley.proto.wire.v1.MailboxFrame;
import org.parley.proto.wire.v1.WireEnvelope;
import org.parley.runtime.VirtualScheduler;

/**
 * A Sybil's mail spam: it finds the peers closest to the victim's key with its own DHT (the
 * replicas that hold the victim's mail while it is away), links to them, and asks each to hold
 * envelopes it signed to the victim: valid mail, each as large as the spammer likes, from a
 * sender the replicas cannot tell from a friend.
 */
final class MailSpammer {
    /** Envelopes each Sybil sends. */
    static final int ENVELOPES = 4;
    /** Payload of each envelope: 8 KiB, so 4,000 Sybils offer 128 MiB, 16 times a replica's share for one recipient. */
    static final int PAYLOAD_BYTES = 8 << 10;
    /** Closest peers each envelope is offered to (the mailbox keeps 3 replicas; spare ones too). */
    static final int TARGETS = 6;
    private static final Duration LINK_TIME = Duration.ofSeconds(3);

    private MailSpammer() {
    }

    /** Starts spamming {@code victim} from {@code sybil}; {@code sent} counts the envelopes handed over. */
    static void spam(SimNode sybil, PeerId victim, VirtualScheduler clock, long[] sent) {
        Identity self = sybil.identity;
        long now = clock.nowMillis();
        List<WireEnvelope> envelopes = new ArrayList<>();
        for (int i = 0; i < ENVELOPES; i++) {
            byte[] payload = new byte[PAYLOAD_BYTES];
            payload[0] = (byte) i;
            envelopes.add(Envelope.create(self, victim, now, now + Duration.ofDays(7).toMillis(), payload).toProto());
        }
        sybil.dht.closestPeers(victim).thenAccept(closest -> {
            List<PeerRecord> targets = closest.stream().filter(record -> !record.addresses().isEmpty())
                    .limit(TARGETS).toList();
            for (PeerRecord target : targets) {
                sybil.links.dialOnce(DialTarget.peerAt(target.peer(), target.addresses().get(0)));
            }
            clock.schedule(LINK_TIME, () -> {
                long requestId = 1;
                for (PeerRecord target : targets) {
                    for (WireEnvelope envelope : envelopes) {
                        if (sybil.links.send(target.peer(), Frame.newBuilder().setMailbox(MailboxFrame.newBuilder()
                                .setRequestId(requestId++).setStore(envelope)).build())) {
                            sent[0]++;
                        }
                    }
                }
            });
        });
    }
}
