package org.parley.sim;

import java.util.List;
import java.util.Locale;

/**
 * What relaying cost the public nodes: the bytes each carried for others through circuits (frames
 * of relayed links, counted once as they pass the relay), summed over the whole-node networks of
 * the run (the topic scenario's overlay-only nodes carry no relayed links), then the mean over the
 * public nodes and the most any one carried. Deterministic for a seed.
 */
public record RelayLoad(double relayedBytesPerPublicNodeMean, long relayedBytesPerPublicNodeMax) {
    private static final int BOOTSTRAP_NODES = 4;

    /** Sums {@code perScenario} (bytes by node index) over the nodes the run's NAT plan left public. */
    public static RelayLoad of(SimConfig config, List<long[]> perScenario) {
        NatPlan plan = NatPlan.of(config, BOOTSTRAP_NODES);
        long total = 0;
        long max = 0;
        int publicNodes = 0;
        for (int i = 0; i < config.nodes(); i++) {
            if (!plan.isPublic(i)) {
                continue;
            }
            long bytes = 0;
            for (long[] scenario : perScenario) {
                bytes += scenario[i];
            }
            total += bytes;
            max = Math.max(max, bytes);
            publicNodes++;
        }
        return new RelayLoad(publicNodes == 0 ? 0 : (double) total / publicNodes, max);
    }

    public String toText() {
        return String.format(Locale.ROOT, "relayed bytes per public node mean / max %.0f / %d",
                relayedBytesPerPublicNodeMean, relayedBytesPerPublicNodeMax);
    }
}
