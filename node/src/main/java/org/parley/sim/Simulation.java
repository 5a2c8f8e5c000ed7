package org.parley.sim;

import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.parley.identity.Identity;
import org.parley.link.DialTarget;
import org.parley.link.HostPort;
import org.parley.link.memory.InMemoryFabric;
import org.parley.link.memory.InMemoryNetwork;
import org.parley.link.memory.LinkConditions;
import org.parley.measure.Percentiles;
import org.parley.messaging.PrekeyBundles;
import org.parley.identity.PeerId;
import org.parley.overlay.dht.LookupResult;
import org.parley.overlay.gossip.GossipId;
import org.parley.overlay.record.RecordVerifier;
import org.parley.proto.wire.v1.PrekeyBundle;
import org.parley.runtime.SeededRng;
import org.parley.runtime.VirtualScheduler;

/**
 * Runs the real overlay code of {@code nodes} nodes on the in-memory network and one virtual
 * clock (overlay-only nodes from the daemon's assembly: this scenario measures the overlay, at
 * sizes where a database and a messenger per node would not fit): they join from a few bootstrap nodes and settle, then messages are published on a
 * topic every node subscribes to while a share of nodes leaves and comes back (churn), links
 * lose frames, and a share of nodes drops what it should relay. Deterministic: identities, link
 * latencies and losses, and every choice the nodes make come from the seed.
 */
public final class Simulation {
    private static final long EPOCH_MILLIS = 1_767_225_600_000L;
    private static final int BOOTSTRAP_NODES = 4;
    private static final Duration SETTLE = Duration.ofSeconds(90);
    private static final Duration BETWEEN_MESSAGES = Duration.ofMillis(200);
    private static final Duration DRAIN = Duration.ofSeconds(30);
    private static final int MAX_LOOKUPS = 200;
    static final int RECORDS_PER_NODE = 4;
    /** Longer than a lookup may take (the DHT gives up after 8 s). */
    private static final Duration LOOKUP_TIME = Duration.ofSeconds(15);

    private final SimConfig config;
    private final VirtualScheduler clock = new VirtualScheduler(EPOCH_MILLIS);
    private final SeededRng rng;
    private final SecureRandom keys;
    private final InMemoryFabric fabric;
    private final List<SimNode> nodes = new ArrayList<>();
    /** Every network any incarnation of a node used: bytes sent are summed over all of them. */
    private final List<InMemoryNetwork> networks = new ArrayList<>();
    private final List<PrekeyBundle> bundles = new ArrayList<>();
    private final Set<Integer> churned = new HashSet<>();
    /**
     * One record checker for all nodes: each record is verified once, however many nodes hear
     * it, and they all hold that one copy (room for a few renewals of every node's record).
     */
    private final RecordVerifier records;
    private long nodeSeeds;

    public Simulation(SimConfig config) {
        this.config = config;
        this.rng = new SeededRng(config.seed());
        this.keys = seededKeys(config.seed());
        this.records = new RecordVerifier(Math.max(RECORDS_PER_NODE * config.nodes(), 8192));
        this.fabric = new InMemoryFabric(LinkConditions.of(Duration.ofMillis(config.latencyMinMs()),
                Duration.ofMillis(config.latencyMaxMs()), config.loss(), new SeededRng(config.seed() ^ 0x5eed), clock));
        NatPlan.of(config, BOOTSTRAP_NODES).place(fabric);
    }

    public SimReport run() {
        long started = System.nanoTime();
        int maliciousCount = (int) Math.round(config.malicious() * config.nodes());
        for (int i = 0; i < config.nodes(); i++) {
            // The bootstrap nodes are honest: a network whose entry points lie is another scenario.
            boolean malicious = i >= BOOTSTRAP_NODES && i < BOOTSTRAP_NODES + maliciousCount;
            Identity identity = Identity.generate("node" + i, keys);
            bundles.add(PrekeyBundles.throwaway(identity, keys, clock.nowMillis()));
            SimNode node = incarnate(i, identity, malicious);
            List<Integer> entry = new ArrayList<>();
            for (int b = 0; b < Math.min(i, BOOTSTRAP_NODES); b++) {
                entry.add(b);
            }
            if (!entry.isEmpty()) {
                // Drawn for the bootstrap nodes too, so that the joiners' entry points stay as they were.
                SimNode bootstrap = nodes.get(entry.get((int) rng.nextLong(entry.size())));
                if (i >= BOOTSTRAP_NODES) {
                    node.links.keepLinkTo(DialTarget.peerAt(bootstrap.id(), bootstrap.address));
                } else {
                    linkToEarlierBootstrapNodes(i);
                }
            }
        }
        clock.advance(SETTLE);
        if (config.partitionSeconds() > 0) {
            partitionThenHeal();
        }

        scheduleChurn(maliciousCount);
        long bytesBefore = bytesSent();
        List<Published> published = publishAll();
        clock.advance(DRAIN);
        long bytesDuring = bytesSent() - bytesBefore;
        List<LookupResult> lookups = lookUpRandomPeers();
        return report(published, bytesDuring, lookups, (System.nanoTime() - started) / 1e9);
    }

    /**
     * The bootstrap nodes keep links to each other and never trim them, as entry points are run:
     * bootstrap node {@code index} links to every earlier one, and once all are there each spares
     * its links to the others. Without this each, dialed by a quarter of the nodes at once, lost
     * its links to the others within seconds, and the nodes that joined through different entry
     * points stayed four networks until the first publication's lookups, which joined them only
     * in part (decision 0069).
     */
    private void linkToEarlierBootstrapNodes(int index) {
        SimNode node = nodes.get(index);
        for (int earlier = 0; earlier < index; earlier++) {
            node.links.keepLinkTo(DialTarget.peerAt(nodes.get(earlier).id(), nodes.get(earlier).address));
        }
        if (index == BOOTSTRAP_NODES - 1) {
            Set<PeerId> entryPoints = new HashSet<>();
            for (int b = 0; b < BOOTSTRAP_NODES; b++) {
                entryPoints.add(nodes.get(b).id());
            }
            for (int b = 0; b < BOOTSTRAP_NODES; b++) {
                nodes.get(b).discovery.spareLinksTo(entryPoints::contains);
            }
        }
    }

    /** Whether every bootstrap node is linked to every other one now (decision 0069). */
    boolean bootstrapNodesLinked() {
        for (int a = 0; a < Math.min(BOOTSTRAP_NODES, nodes.size()); a++) {
            for (int b = 0; b < Math.min(BOOTSTRAP_NODES, nodes.size()); b++) {
                if (a != b && !nodes.get(a).links.linkedPeers().contains(nodes.get(b).id())) {
                    return false;
                }
            }
        }
        return true;
    }

    /**
     * From random honest nodes that stayed online, looks up random other nodes by peer ID, all
     * at once, as many as there are nodes (at most 200).
     */
    private List<LookupResult> lookUpRandomPeers() {
        int count = Math.min(MAX_LOOKUPS, config.nodes());
        List<java.util.concurrent.CompletableFuture<LookupResult>> pending = new ArrayList<>();
        for (int n = 0; n < count; n++) {
            int from = honestSteadyNode();
            int to = (int) rng.nextLong(config.nodes() - 1);
            if (to >= from) {
                to++;
            }
            PeerId target = nodes.get(to).id();
            pending.add(nodes.get(from).dht.lookup(target).thenApply(result -> new LookupResult(
                    result.record().filter(record -> record.peer().equals(target)), result.hops(),
                    result.queries())));
        }
        clock.advance(LOOKUP_TIME);
        List<LookupResult> results = new ArrayList<>();
        for (var lookup : pending) {
            results.add(lookup.getNow(new LookupResult(java.util.Optional.empty(), 0, 0)));
        }
        return results;
    }

    /**
     * Cuts the network in two halves (by address, so half of every neighbourhood is across),
     * waits, mends it, and lets it settle: the messages then show whether it grew back together.
     */
    private void partitionThenHeal() {
        fabric.cut(address -> (address.host().hashCode() & 1) == 0);
        clock.advance(Duration.ofSeconds(config.partitionSeconds()));
        fabric.mend();
        clock.advance(SETTLE);
    }

    private SimNode incarnate(int index, Identity identity, boolean malicious) {
        PrekeyBundle bundle = bundles.get(index);
        SimNode node = SimNode.overlay(identity, addressOf(index), malicious, malicious && config.forgeRecords(),
                () -> bundle, fabric, clock, config.seed() * 1_000_003 + nodeSeeds++ * 7, records);
        if (index < nodes.size()) {
            nodes.set(index, node);
        } else {
            nodes.add(node);
        }
        networks.add(node.network);
        node.start();
        return node;
    }

    /**
     * Each node its own /24 (10.a.b.1), as on the internet, so per-prefix limits meet nothing
     * unusual. Room for 65,536 nodes.
     */
    static HostPort addressOf(int index) {
        return new HostPort("10." + (index >> 8 & 0xff) + "." + (index & 0xff) + ".1", 7000);
    }

    /**
     * Churning nodes leave at a random moment of the message phase and come back after 5-30 s,
     * rejoining through a few of the peers they were linked to, as a restarted daemon does.
     */
    private void scheduleChurn(int maliciousCount) {
        int count = (int) Math.round(config.churn() * config.nodes());
        List<Integer> candidates = new ArrayList<>();
        for (int i = BOOTSTRAP_NODES + maliciousCount; i < config.nodes(); i++) {
            candidates.add(i);
        }
        long phaseMillis = BETWEEN_MESSAGES.toMillis() * config.messages();
        for (int n = 0; n < count && !candidates.isEmpty(); n++) {
            int index = candidates.remove((int) rng.nextLong(candidates.size()));
            churned.add(index);
            Churn.schedule(clock, rng, phaseMillis, index, nodes::get, leaving -> nodes.get(leaving).stop(),
                    this::rejoin);
        }
    }

    private void rejoin(int index, List<PeerId> remembered) {
        SimNode before = nodes.get(index);
        Churn.redial(incarnate(index, before.identity, before.malicious), remembered, nodes);
    }

    private record Published(GossipId id, int publisher, long atNanos) {
    }

    private List<Published> publishAll() {
        List<Published> published = new ArrayList<>();
        for (int m = 0; m < config.messages(); m++) {
            int publisher = honestSteadyNode();
            byte[] payload = ("message " + m + " from node " + publisher).getBytes(java.nio.charset.StandardCharsets.UTF_8);
            GossipId id = nodes.get(publisher).router.publish(SimNode.TOPIC, payload);
            published.add(new Published(id, publisher, clock.monotonicNanos()));
            clock.advance(BETWEEN_MESSAGES);
        }
        return published;
    }

    private int honestSteadyNode() {
        while (true) {
            int index = (int) rng.nextLong(config.nodes());
            if (!nodes.get(index).malicious && !churned.contains(index)) {
                return index;
            }
        }
    }

    private long bytesSent() {
        return networks.stream().mapToLong(InMemoryNetwork::bytesSent).sum();
    }

    private SimReport report(List<Published> published, long bytesDuring, List<LookupResult> lookups,
                             double wallSeconds) {
        long expected = 0;
        long delivered = 0;
        long receptions = 0;
        List<Integer> hops = new ArrayList<>();
        List<Double> latencies = new ArrayList<>();
        for (int i = 0; i < nodes.size(); i++) {
            SimNode node = nodes.get(i);
            if (node.malicious || churned.contains(i)) {
                continue;
            }
            for (Published message : published) {
                if (message.publisher() == i) {
                    continue;
                }
                expected++;
                long[] delivery = node.deliveries.get(message.id());
                receptions += node.receptions.getOrDefault(message.id(), 0);
                if (delivery != null) {
                    delivered++;
                    hops.add((int) delivery[1]);
                    latencies.add((delivery[0] - message.atNanos()) / 1e6);
                }
            }
        }
        Percentiles hopCounts = new Percentiles(hops);
        Percentiles latency = new Percentiles(latencies);
        int minLinks = Integer.MAX_VALUE;
        long links = 0;
        for (SimNode node : nodes) {
            int linked = node.links.linkedPeers().size();
            minLinks = Math.min(minLinks, linked);
            links += linked;
        }
        List<Integer> lookupHops = new ArrayList<>();
        lookups.stream().filter(lookup -> lookup.record().isPresent()).forEach(lookup -> lookupHops.add(lookup.hops()));
        Percentiles lookupHopCounts = new Percentiles(lookupHops);
        return new SimReport(config.nodes(), config.seed(), config.churn(), config.loss(), config.malicious(),
                config.messages(), expected == 0 ? 1 : (double) delivered / expected,
                delivered == 0 ? 0 : (double) receptions / delivered, hopCounts.at(0.5), hopCounts.at(0.99),
                latency.at(0.5), latency.at(0.99), latency.max(), lookups.size(),
                (double) lookupHops.size() / lookups.size(), lookupHopCounts.at(0.5), lookupHopCounts.at(0.99),
                (double) links / nodes.size(), minLinks, (double) bytesDuring / nodes.size() / config.messages(),
                config.forgeRecords(), nodes.stream().mapToLong(node -> node.forgedAnswers()).sum(), wallSeconds);
    }

    /** Key material from the seed: the same seed makes the same identities. */
    static SecureRandom seededKeys(long seed) {
        try {
            SecureRandom random = SecureRandom.getInstance("SHA1PRNG");
            random.setSeed(seed);
            return random;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA1PRNG is part of every Java runtime", e);
        }
    }
}
