package org.parley.sim;

/**
 * One simulated scenario.
 *
 * @param nodes how many nodes
 * @param seed everything random in the run comes from this
 * @param churn share of nodes that leave during the message phase and come back later
 * @param loss probability that a frame is lost on its link
 * @param latencyMinMs least one-way link latency
 * @param latencyMaxMs most one-way link latency
 * @param malicious share of nodes that join topic meshes and then drop everything they should relay, and leave
 *                  DHT requests unanswered (or answer them with lies: {@code forgeRecords})
 * @param messages topic messages published during the message phase
 * @param partitionSeconds before the messages, how long the network is cut in two halves (0: never)
 * @param forgeRecords whether the malicious nodes, instead of leaving DHT requests unanswered, answer
 *                     them with forged records
 * @param unreachable share of nodes behind a NAT (they dial out, nobody can dial them: they are
 *                    reached through relays, and take part in the DHT as clients only)
 * @param natMix the shares of NAT types among them
 */
public record SimConfig(int nodes, long seed, double churn, double loss, int latencyMinMs, int latencyMaxMs,
                        double malicious, int messages, int partitionSeconds, boolean forgeRecords,
                        double unreachable, NatMix natMix) {
    /** Nodes get one /24 each under 10.0.0.0/8. */
    public static final int MAX_NODES = 65_536;

    public SimConfig {
        if (nodes < 2 || nodes > MAX_NODES) {
            throw new IllegalArgumentException("--nodes must be 2 to " + MAX_NODES);
        }
        if (!(churn >= 0 && churn < 1) || !(malicious >= 0 && malicious < 1) || churn + malicious >= 1) {
            throw new IllegalArgumentException("--churn and --malicious are shares in [0, 1) that leave someone honest");
        }
        if (!(loss >= 0 && loss < 1)) {
            throw new IllegalArgumentException("--loss must be in [0, 1)");
        }
        if (latencyMinMs < 0 || latencyMaxMs < latencyMinMs) {
            throw new IllegalArgumentException("--latency-ms must be A-B with 0 <= A <= B");
        }
        if (partitionSeconds < 0) {
            throw new IllegalArgumentException("--partition-seconds must not be negative");
        }
        if (messages < 1) {
            throw new IllegalArgumentException("--messages must be positive");
        }
        if (forgeRecords && malicious == 0) {
            throw new IllegalArgumentException("--forge-records needs --malicious");
        }
        if (!(unreachable >= 0 && unreachable < 1)) {
            throw new IllegalArgumentException("--unreachable must be a share in [0, 1)");
        }
        java.util.Objects.requireNonNull(natMix, "natMix");
    }

    /** A scenario of the original ten settings, with every node reachable. */
    public SimConfig(int nodes, long seed, double churn, double loss, int latencyMinMs, int latencyMaxMs,
                     double malicious, int messages, int partitionSeconds, boolean forgeRecords) {
        this(nodes, seed, churn, loss, latencyMinMs, latencyMaxMs, malicious, messages, partitionSeconds,
                forgeRecords, 0, NatMix.DEFAULT);
    }

    /** Settings with the command line's defaults; set what the scenario changes. */
    public static Builder builder() {
        return new Builder();
    }

    /** Builds a {@link SimConfig}; checks happen in {@link #build()}. */
    public static final class Builder {
        private int nodes = 1000;
        private long seed = 1;
        private double churn;
        private double loss;
        private int latencyMinMs = 10;
        private int latencyMaxMs = 100;
        private double malicious;
        private int messages = 100;
        private int partitionSeconds;
        private boolean forgeRecords;
        private double unreachable;
        private NatMix natMix = NatMix.DEFAULT;

        private Builder() {
        }

        public Builder nodes(int value) {
            nodes = value;
            return this;
        }

        public Builder seed(long value) {
            seed = value;
            return this;
        }

        public Builder churn(double share) {
            churn = share;
            return this;
        }

        public Builder loss(double probability) {
            loss = probability;
            return this;
        }

        public Builder latencyMs(int least, int most) {
            latencyMinMs = least;
            latencyMaxMs = most;
            return this;
        }

        public Builder malicious(double share) {
            malicious = share;
            return this;
        }

        public Builder messages(int count) {
            messages = count;
            return this;
        }

        public Builder partitionSeconds(int seconds) {
            partitionSeconds = seconds;
            return this;
        }

        public Builder forgeRecords(boolean value) {
            forgeRecords = value;
            return this;
        }

        public Builder unreachable(double share) {
            unreachable = share;
            return this;
        }

        public Builder natMix(NatMix value) {
            natMix = value;
            return this;
        }

        /** The settings; throws {@link IllegalArgumentException} for an impossible scenario. */
        public SimConfig build() {
            return new SimConfig(nodes, seed, churn, loss, latencyMinMs, latencyMaxMs, malicious, messages,
                    partitionSeconds, forgeRecords, unreachable, natMix);
        }
    }
}
