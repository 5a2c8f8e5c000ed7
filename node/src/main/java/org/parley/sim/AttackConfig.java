package org.parley.sim;

/**
 * One attack scenario.
 *
 * @param kind what the Sybils do
 * @param honest honest nodes (the first four are the bootstrap nodes)
 * @param sybils Sybil nodes: a count, not a share (4,000 against 1,000 honest nodes is the
 *               GossipSub v1.1 evaluation's setting)
 * @param seed everything random in the run comes from this
 * @param messages topic messages honest nodes publish (mail messages to the victim, for mail-spam)
 * @param latencyMinMs least one-way link latency
 * @param latencyMaxMs most one-way link latency
 */
public record AttackConfig(AttackKind kind, int honest, int sybils, long seed, int messages, int latencyMinMs,
                           int latencyMaxMs) {
    /** Honest nodes the eclipse victim, its lookups and the bootstrap nodes need at least. */
    public static final int MIN_HONEST = 8;

    public AttackConfig {
        java.util.Objects.requireNonNull(kind, "kind");
        if (honest < MIN_HONEST || sybils < 1 || (long) honest + sybils > SimConfig.MAX_NODES) {
            throw new IllegalArgumentException("--attack needs at least " + MIN_HONEST + " honest --nodes, at least "
                    + "one --sybils, and at most " + SimConfig.MAX_NODES + " nodes in all");
        }
        if (messages < 2) {
            throw new IllegalArgumentException("--messages must be at least 2 with --attack");
        }
        if (latencyMinMs < 0 || latencyMaxMs < latencyMinMs) {
            throw new IllegalArgumentException("--latency-ms must be A-B with 0 <= A <= B");
        }
    }

    int nodes() {
        return honest + sybils;
    }
}
