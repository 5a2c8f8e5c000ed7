package org.parley.sim;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import org.parley.identity.PeerId;
import org.parley.proto.wire.v1.Frame;
import org.parley.proto.wire.v1.PeerExchange;
import org.parley.runtime.Rng;
import org.parley.runtime.VirtualScheduler;

/**
 * A Sybil's discovery flood: on top of its honest discovery, every second it pushes each honest
 * neighbour an unsolicited peer exchange of as many Sybil records as a frame may carry, five
 * times what an honest node pushes in a heartbeat, so that honest record books fill with Sybils
 * and honest nodes dial Sybils when they top up their links.
 */
final class PeerExchangeFlood {
    static final Duration EVERY = Duration.ofSeconds(1);
    /** Records per exchange: the most a frame may carry ({@code DiscoveryConfig.MAX_EXCHANGE}). */
    static final int RECORDS = 32;

    private PeerExchangeFlood() {
    }

    /** Floods from {@code sybil} while {@code going} holds. */
    static void start(SimNode sybil, Colluders colluders, Rng rng, VirtualScheduler clock, BooleanSupplier going) {
        clock.schedule(EVERY, () -> {
            if (!going.getAsBoolean()) {
                return;
            }
            for (PeerId peer : sybil.links.linkedPeers()) {
                if (!colluders.isSybil(peer)) {
                    sybil.links.send(peer, Frame.newBuilder().setPeerExchange(PeerExchange.newBuilder()
                            .addAllRecords(colluders.sample(rng, RECORDS))).build());
                }
            }
            start(sybil, colluders, rng, clock, going);
        });
    }
}
