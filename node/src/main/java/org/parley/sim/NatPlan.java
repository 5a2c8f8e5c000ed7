package org.parley.sim;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.parley.link.memory.InMemoryFabric;
import org.parley.link.memory.NatType;
import org.parley.runtime.SeededRng;

/**
 * Which simulated nodes sit behind which NAT: {@code unreachable} of them, drawn from the seed
 * alone (so every scenario of one run, and every run of one seed, puts the same nodes behind the
 * same NATs), the types in the proportions of the mix. The bootstrap nodes stay public: a network
 * whose entry points cannot be dialled is another scenario.
 */
final class NatPlan {
    private final NatType[] types;

    private NatPlan(NatType[] types) {
        this.types = types;
    }

    static NatPlan of(SimConfig config, int bootstrapNodes) {
        NatType[] types = new NatType[config.nodes()];
        java.util.Arrays.fill(types, NatType.NONE);
        List<Integer> others = new ArrayList<>();
        for (int i = bootstrapNodes; i < config.nodes(); i++) {
            others.add(i);
        }
        SeededRng rng = new SeededRng(config.seed() ^ 0x4a7L);
        for (int i = others.size() - 1; i > 0; i--) {
            Collections.swap(others, i, (int) rng.nextLong(i + 1));
        }
        int count = (int) Math.min(others.size(), Math.round(config.unreachable() * config.nodes()));
        // In this order, each type its share rounded; the last type with a share takes what is
        // left, so a mix of full cones, address-dependent and symmetric NATs places them as always.
        NatType[] order = {NatType.ENDPOINT_INDEPENDENT, NatType.ADDRESS_DEPENDENT, NatType.RESTRICTED_CONE,
                NatType.PORT_RESTRICTED_CONE, NatType.SYMMETRIC};
        NatMix mix = config.natMix();
        double[] shares = {mix.endpointIndependent(), mix.addressDependent(), mix.restrictedCone(),
                mix.portRestrictedCone(), mix.symmetric()};
        int last = 0;
        for (int t = 0; t < shares.length; t++) {
            if (shares[t] > 0) {
                last = t;
            }
        }
        int n = 0;
        for (int t = 0; t <= last; t++) {
            int take = t == last ? count - n : (int) Math.min(count - n, Math.round(shares[t] * count));
            for (int placed = 0; placed < take; placed++) {
                types[others.get(n++)] = order[t];
            }
        }
        return new NatPlan(types);
    }

    NatType natOf(int index) {
        return types[index];
    }

    boolean isPublic(int index) {
        return types[index] == NatType.NONE;
    }

    /** Puts each node's address (see {@link Simulation#addressOf}) behind its NAT on {@code fabric}. */
    void place(InMemoryFabric fabric) {
        for (int i = 0; i < types.length; i++) {
            fabric.natFor(Simulation.addressOf(i), types[i]);
        }
    }

    /** The bytes each public node carried as a relay on {@code fabric}, by node index (0 for the others). */
    long[] relayedBytes(InMemoryFabric fabric) {
        long[] bytes = new long[types.length];
        for (int i = 0; i < types.length; i++) {
            if (isPublic(i)) {
                bytes[i] = fabric.bytesRelayedAt(Simulation.addressOf(i));
            }
        }
        return bytes;
    }
}
