package org.parley.sim;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.parley.identity.Identity;
import org.parley.identity.PeerId;
import org.parley.link.DialTarget;
import org.parley.link.memory.InMemoryFabric;
import org.parley.link.memory.LinkConditions;
import org.parley.messaging.PrekeyBundles;
import org.parley.overlay.dht.LookupResult;
import org.parley.overlay.gossip.GossipId;
import org.parley.overlay.record.RecordVerifier;
import org.parley.proto.wire.v1.PrekeyBundle;
import org.parley.runtime.SeededRng;
import org.parley.runtime.VirtualScheduler;

/**
 * Hours of virtual time on overlay-only nodes (as {@link Simulation}): the bootstrap nodes start
 * at once and the others join over a window; each node then stays for a session and stays away
 * for a gap, both drawn from heavy-tailed distributions, again and again (the bootstrap nodes too,
 * when asked); a dial to a departed node waits out its timeout; the nodes' own timers renew,
 * republish and expire records as on daemons. Every virtual hour, messages are published on a
 * topic all nodes subscribe to and random nodes are looked up, and the hour's figures are kept.
 * Deterministic: the same settings give the same figures.
 */
public final class LongRun {
    /** Which (message, subscriber) pairs the delivery figures count; said in every report. */
    public static final String DELIVERY_RULE = "honest subscribers online from the publication until 30 s after it";
    private static final long EPOCH_MILLIS = 1_767_225_600_000L;
    private static final int BOOTSTRAP_NODES = 4;
    /** Bootstrap peers each node is configured with and keeps links to, as a daemon does. */
    private static final int BOOTSTRAP_LINKS = 2;
    /** Peers a returning node dials, of those it was linked to when it left. */
    private static final int REDIALED = 3;
    private static final Duration DELIVERY_WINDOW = Duration.ofSeconds(30);
    /**
     * Publishers, lookers and looked-up nodes have been online this long: a user's client has
     * links by then, and a node's record is out (its first publication is due after 10 s).
     */
    private static final Duration WARM = Duration.ofMinutes(1);
    /** Longer than a lookup may take (the DHT gives up after 8 s, dials included). */
    private static final Duration LOOKUP_TIME = Duration.ofSeconds(15);
    private static final int RECORDS_PER_NODE = 4;
    private static final Duration HOUR = Duration.ofHours(1);

    private final SimConfig network;
    private final LongRunConfig config;
    private final Consumer<HourlyFigures> progress;
    private final VirtualScheduler clock = new VirtualScheduler(EPOCH_MILLIS);
    private final InMemoryFabric fabric;
    private final RecordVerifier records;
    private final SecureRandom keys;
    private final SeededRng joins;
    private final SeededRng sessions;
    private final SeededRng workload;
    private final int nodeCount;
    private final Identity[] identities;
    private final PrekeyBundle[] bundles;
    private final boolean[] malicious;
    private final int[][] bootstrapOf;
    /** Each node's current incarnation (its last one while it is away). */
    private final SimNode[] nodes;
    /** When each node's current session began; -1 while it is away or has not joined yet. */
    private final long[] onlineSince;
    private final Map<PeerId, Integer> indexOf = new HashMap<>();
    private final Tally[] tallies;
    private int joined;
    private long nodeSeeds;
    private long receptions;

    /** One hour's counts while the run goes on. */
    private static final class Tally {
        int departures;
        int returns;
        int messages;
        long expected;
        long delivered;
        int lookups;
        int found;
        HourlyFigures closed;
    }

    /** {@code progress} hears of each hour as it ends (a long run takes a while). */
    public LongRun(SimConfig network, LongRunConfig config, Consumer<HourlyFigures> progress) {
        this.network = network;
        this.config = config;
        this.progress = progress;
        this.nodeCount = network.nodes();
        this.keys = Simulation.seededKeys(network.seed());
        this.joins = new SeededRng(network.seed() ^ 0x6a6f696eL);
        this.sessions = new SeededRng(network.seed() ^ 0x73657373L);
        this.workload = new SeededRng(network.seed() ^ 0x776f726bL);
        this.records = new RecordVerifier(Math.max(RECORDS_PER_NODE * nodeCount, 8192));
        this.fabric = new InMemoryFabric(LinkConditions.of(Duration.ofMillis(network.latencyMinMs()),
                Duration.ofMillis(network.latencyMaxMs()), network.loss(), new SeededRng(network.seed() ^ 0x5eed),
                clock));
        fabric.unansweredDialsTimeOut();
        NatPlan.of(network, BOOTSTRAP_NODES).place(fabric);
        identities = new Identity[nodeCount];
        bundles = new PrekeyBundle[nodeCount];
        malicious = new boolean[nodeCount];
        bootstrapOf = new int[nodeCount][];
        nodes = new SimNode[nodeCount];
        onlineSince = new long[nodeCount];
        tallies = new Tally[config.hours()];
        for (int h = 0; h < tallies.length; h++) {
            tallies[h] = new Tally();
        }
    }

    public LongRunReport run() {
        long started = System.nanoTime();
        int maliciousCount = (int) Math.round(network.malicious() * nodeCount);
        for (int i = 0; i < nodeCount; i++) {
            identities[i] = Identity.generate("node" + i, keys);
            bundles[i] = PrekeyBundles.throwaway(identities[i], keys, clock.nowMillis());
            // The bootstrap nodes are honest, as in the one-shot scenario.
            malicious[i] = i >= BOOTSTRAP_NODES && i < BOOTSTRAP_NODES + maliciousCount;
            indexOf.put(identities[i].peerId(), i);
            onlineSince[i] = -1;
            bootstrapOf[i] = chooseBootstraps(i);
        }
        long windowMillis = config.joinWindow().toMillis();
        for (int i = 0; i < Math.min(BOOTSTRAP_NODES, nodeCount); i++) {
            start(i);
        }
        for (int i = 0; i < Math.min(BOOTSTRAP_NODES, nodeCount); i++) {
            linkToBootstraps(i);
        }
        for (int i = BOOTSTRAP_NODES; i < nodeCount; i++) {
            int index = i;
            long joinAt = windowMillis == 0 ? 0 : joins.nextLong(windowMillis + 1);
            clock.schedule(Duration.ofMillis(joinAt), () -> {
                start(index);
                linkToBootstraps(index);
            });
        }
        scheduleWorkload();
        for (int h = 0; h < config.hours(); h++) {
            int hour = h;
            clock.advance(HOUR);
            // Messages and lookups of the hour's last minute are counted a little later; the
            // figures are closed when they all are, printed as soon as the hour ends.
            tallies[hour].closed = closeHour(hour);
            progress.accept(withCounts(tallies[hour].closed, tallies[hour]));
        }
        clock.advance(LOOKUP_TIME.plus(DELIVERY_WINDOW));
        List<HourlyFigures> hourly = new ArrayList<>();
        for (int h = 0; h < tallies.length; h++) {
            hourly.add(withCounts(tallies[h].closed, tallies[h]));
        }
        return report(hourly, (System.nanoTime() - started) / 1e9);
    }

    private int[] chooseBootstraps(int index) {
        List<Integer> others = new ArrayList<>();
        for (int b = 0; b < Math.min(BOOTSTRAP_NODES, nodeCount); b++) {
            if (b != index) {
                others.add(b);
            }
        }
        int[] chosen = new int[Math.min(BOOTSTRAP_LINKS, others.size())];
        for (int n = 0; n < chosen.length; n++) {
            chosen[n] = others.remove((int) joins.nextLong(others.size()));
        }
        return chosen;
    }

    private boolean churns(int index) {
        return config.sessions().isPresent() && (index >= BOOTSTRAP_NODES || config.bootstrapChurn());
    }

    /** A new incarnation of node {@code index} starts a session now. */
    private void start(int index) {
        if (nodes[index] == null) {
            joined++;
        }
        PrekeyBundle bundle = bundles[index];
        SimNode node = SimNode.overlay(identities[index], Simulation.addressOf(index), malicious[index],
                malicious[index] && network.forgeRecords(), () -> bundle, fabric, clock,
                network.seed() * 1_000_003 + nodeSeeds++ * 7, records);
        nodes[index] = node;
        node.start();
        onlineSince[index] = clock.nowMillis();
        if (churns(index)) {
            long session = config.sessions().orElseThrow().online().sampleMillis(sessions);
            clock.schedule(Duration.ofMillis(session), () -> leave(index));
        }
    }

    /** Keeps links to the node's bootstrap peers, as a daemon keeps its configured ones. */
    private void linkToBootstraps(int index) {
        for (int bootstrap : bootstrapOf[index]) {
            nodes[index].links.keepLinkTo(DialTarget.peerAt(identities[bootstrap].peerId(),
                    Simulation.addressOf(bootstrap)));
        }
    }

    private void leave(int index) {
        List<PeerId> remembered = nodes[index].links.linkedPeers();
        nodes[index].stop();
        onlineSince[index] = -1;
        currentTally().ifPresent(tally -> tally.departures++);
        long gap = config.sessions().orElseThrow().offline().sampleMillis(sessions);
        clock.schedule(Duration.ofMillis(gap), () -> comeBack(index, remembered));
    }

    /**
     * The node returns with the identity it had, keeps links to its bootstrap peers and dials the
     * first few dialable peers it was linked to when it left, online or not: a dial to a
     * departed one waits out its timeout.
     */
    private void comeBack(int index, List<PeerId> remembered) {
        start(index);
        linkToBootstraps(index);
        currentTally().ifPresent(tally -> tally.returns++);
        int dialled = 0;
        for (int i = 0; i < remembered.size() && dialled < REDIALED; i++) {
            Integer peer = indexOf.get(remembered.get(i));
            if (peer != null && fabric.natOf(Simulation.addressOf(peer)).acceptsInbound()) {
                nodes[index].links.dialOnce(DialTarget.peerAt(remembered.get(i), Simulation.addressOf(peer)));
                dialled++;
            }
        }
    }

    private java.util.Optional<Tally> currentTally() {
        int hour = (int) ((clock.nowMillis() - EPOCH_MILLIS) / HOUR.toMillis());
        return hour < tallies.length ? java.util.Optional.of(tallies[hour]) : java.util.Optional.empty();
    }

    /** Every hour's messages and lookups, evenly spaced, lookups half a slot after messages. */
    private void scheduleWorkload() {
        long hourMillis = HOUR.toMillis();
        for (int h = 0; h < config.hours(); h++) {
            Tally tally = tallies[h];
            for (int m = 0; m < config.messagesPerHour(); m++) {
                long at = h * hourMillis + (2L * m + 1) * hourMillis / (2L * config.messagesPerHour());
                clock.schedule(Duration.ofMillis(at), () -> publish(tally));
            }
            for (int l = 0; l < config.lookupsPerHour(); l++) {
                long at = h * hourMillis + l * hourMillis / config.lookupsPerHour() + hourMillis
                        / (4L * config.lookupsPerHour());
                clock.schedule(Duration.ofMillis(at), () -> lookUp(tally));
            }
        }
    }

    /**
     * A random honest node online for a while publishes; DELIVERY_WINDOW later, the message counts
     * for every other honest node online then in the session it was in at publication.
     */
    private void publish(Tally tally) {
        int publisher = warmHonestNode(-1);
        if (publisher < 0) {
            return;
        }
        tally.messages++;
        byte[] payload = ("message " + tally.messages + " from node " + publisher).getBytes(StandardCharsets.UTF_8);
        GossipId id = nodes[publisher].router.publish(SimNode.TOPIC, payload);
        List<SimNode> subscribers = new ArrayList<>();
        for (int i = 0; i < nodeCount; i++) {
            if (i != publisher && !malicious[i] && onlineSince[i] >= 0) {
                subscribers.add(nodes[i]);
            }
        }
        clock.schedule(DELIVERY_WINDOW, () -> {
            for (SimNode subscriber : subscribers) {
                int index = indexOf.get(subscriber.id());
                if (nodes[index] == subscriber && onlineSince[index] >= 0) {
                    tally.expected++;
                    receptions += subscriber.receptions.getOrDefault(id, 0);
                    if (subscriber.deliveries.containsKey(id)) {
                        tally.delivered++;
                    }
                }
            }
        });
    }

    /**
     * A random honest node online for a while looks up another such node (its record is out). The
     * lookup counts unless its asker left before it could end.
     */
    private void lookUp(Tally tally) {
        int from = warmHonestNode(-1);
        int to = from < 0 ? -1 : warmHonestNode(from);
        if (to < 0) {
            return;
        }
        SimNode asker = nodes[from];
        PeerId target = identities[to].peerId();
        CompletableFuture<LookupResult> lookup = asker.dht.lookup(target);
        clock.schedule(LOOKUP_TIME, () -> {
            boolean ended = lookup.isDone();
            if (ended || nodes[from] == asker && onlineSince[from] >= 0) {
                tally.lookups++;
                if (ended && lookup.join().record().filter(record -> record.peer().equals(target)).isPresent()) {
                    tally.found++;
                }
            }
        });
    }

    /** A random honest node online for at least {@link #WARM}, not {@code other}; -1 if none is found. */
    private int warmHonestNode(int other) {
        long now = clock.nowMillis();
        for (int attempt = 0; attempt < 20 * nodeCount; attempt++) {
            int index = (int) workload.nextLong(nodeCount);
            if (index != other && !malicious[index] && onlineSince[index] >= 0
                    && now - onlineSince[index] >= WARM.toMillis()) {
                return index;
            }
        }
        return -1;
    }

    /** The state at the end of an hour; the counts follow when the hour's last checks are done. */
    private HourlyFigures closeHour(int hour) {
        Tally tally = tallies[hour];
        int online = 0;
        long stored = 0;
        long links = 0;
        for (int i = 0; i < nodeCount; i++) {
            if (onlineSince[i] >= 0) {
                online++;
                stored += nodes[i].dht.storedRecords();
                links += nodes[i].links.linkedPeers().size();
            }
        }
        return new HourlyFigures(hour, online, joined, tally.departures, tally.returns, 0, 0, 0, 0, 0, 0, 0,
                online == 0 ? 0 : (double) stored / online, online == 0 ? 0 : (double) links / online);
    }

    private static HourlyFigures withCounts(HourlyFigures state, Tally tally) {
        return new HourlyFigures(state.hour(), state.nodesOnline(), state.nodesJoined(), state.departures(),
                state.returns(), tally.messages, tally.expected, tally.delivered,
                ratio(tally.delivered, tally.expected), tally.lookups, tally.found, ratio(tally.found, tally.lookups),
                state.storedRecordsMean(), state.meanLinks());
    }

    private static double ratio(long part, long whole) {
        return whole == 0 ? 1 : (double) part / whole;
    }

    private LongRunReport report(List<HourlyFigures> hourly, double wallSeconds) {
        int messages = 0;
        long expected = 0;
        long delivered = 0;
        int lookups = 0;
        int found = 0;
        double worstDelivery = 1;
        double worstLookups = 1;
        for (HourlyFigures hour : hourly) {
            messages += hour.messages();
            expected += hour.expectedDeliveries();
            delivered += hour.delivered();
            lookups += hour.lookups();
            found += hour.lookupsFound();
            worstDelivery = Math.min(worstDelivery, hour.deliveryRatio());
            worstLookups = Math.min(worstLookups, hour.lookupSuccess());
        }
        String online = config.sessions().map(s -> describe(s.online())).orElse("none");
        String offline = config.sessions().map(s -> describe(s.offline())).orElse("none");
        return new LongRunReport(nodeCount, network.seed(), config.hours(), config.joinWindow().toMillis() / 60_000.0,
                online, offline, config.bootstrapChurn(), network.malicious(), network.loss(),
                config.messagesPerHour(), config.lookupsPerHour(), DELIVERY_RULE, messages, expected, delivered,
                ratio(delivered, expected), delivered == 0 ? 0 : (double) receptions / delivered, lookups, found,
                ratio(found, lookups), worstDelivery, worstLookups, hourly, wallSeconds);
    }

    private static String describe(Weibull weibull) {
        return String.format(java.util.Locale.ROOT, "weibull shape %.2f scale %.1f min (mean %.1f min, median %.1f min)",
                weibull.shape(), weibull.scale().toMillis() / 60_000.0, weibull.meanMillis() / 60_000,
                weibull.medianMillis() / 60_000);
    }
}
