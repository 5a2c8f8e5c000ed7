package org.parley.sim;

import java.time.Duration;
import java.util.List;
import java.util.function.BiConsumer;
import java.util.function.IntConsumer;
import java.util.function.IntFunction;
import org.parley.identity.PeerId;
import org.parley.link.DialTarget;
import org.parley.runtime.Rng;
import org.parley.runtime.VirtualScheduler;

/**
 * Churn as every scenario has it: a node leaves at a random moment of a phase and comes back
 * 5-30 s later through a few of the peers it was linked to, as a restarted daemon does.
 */
final class Churn {
    /** Peers a returning node dials, of those it remembers. */
    private static final int REDIALED = 3;

    private Churn() {
    }

    /**
     * Schedules one node's leaving within {@code phaseMillis} and its return; {@code rejoin} gets
     * the peers it was linked to when it left.
     */
    static void schedule(VirtualScheduler clock, Rng rng, long phaseMillis, int index, IntFunction<SimNode> nodeAt,
                         IntConsumer leave, BiConsumer<Integer, List<PeerId>> rejoin) {
        long leaveAt = rng.nextLong(phaseMillis + 1);
        long awayFor = 5_000 + rng.nextLong(25_001);
        clock.schedule(Duration.ofMillis(leaveAt), () -> {
            List<PeerId> remembered = nodeAt.apply(index).links.linkedPeers();
            leave.accept(index);
            clock.schedule(Duration.ofMillis(awayFor), () -> rejoin.accept(index, remembered));
        });
    }

    /**
     * A returning node dials the first few peers it remembers that are among {@code nodes} and can
     * be dialled (a peer behind a NAT it was linked to through a relay cannot).
     */
    static void redial(SimNode node, List<PeerId> remembered, List<SimNode> nodes) {
        int dialled = 0;
        for (int i = 0; i < remembered.size() && dialled < REDIALED; i++) {
            PeerId peer = remembered.get(i);
            java.util.Optional<SimNode> known = nodes.stream().filter(other -> other.id().equals(peer)).findFirst();
            if (known.isPresent() && known.get().dialable) {
                node.links.dialOnce(DialTarget.peerAt(known.get().id(), known.get().address));
                dialled++;
            }
        }
    }
}
