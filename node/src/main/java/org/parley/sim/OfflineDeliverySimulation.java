package org.parley.sim;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.parley.identity.Identity;
import org.parley.identity.PeerId;
import org.parley.link.DialTarget;
import org.parley.link.memory.InMemoryFabric;
import org.parley.link.memory.LinkConditions;
import org.parley.messaging.MessageRecord;
import org.parley.messaging.MessagingEvents;
import org.parley.runtime.SeededRng;
import org.parley.runtime.VirtualScheduler;

/**
 * Offline delivery on a simulated network of whole nodes (the daemon's assembly: links,
 * discovery, DHT, gossip, messenger, groups, mailbox and peer reacher, each on a database of its
 * own behind a {@link org.parley.store.SimulatedStorageQueue}). After the network settles, pairs
 * of users add each other as contacts; then a share of nodes goes away, and steady nodes send
 * them messages through their real messengers, which find the recipients' bundles in the DHT,
 * seal, and hand the envelopes to mailbox replicas; meanwhile {@code churn} of the other nodes
 * leave and come back (restarting from their databases, as a daemon does); then the recipients
 * come back, one by one, and pick their mail up. Deterministic for a seed.
 */
public final class OfflineDeliverySimulation {
    private static final long EPOCH_MILLIS = 1_767_225_600_000L;
    private static final int BOOTSTRAP_NODES = 4;
    private static final Duration SETTLE = Duration.ofSeconds(90);
    private static final Duration BETWEEN_MESSAGES = Duration.ofMillis(200);
    /** How long the recipients stay away after the last message: several repair rounds. */
    private static final Duration AWAY_AFTER = Duration.ofMinutes(5);
    private static final Duration SAMPLE_EVERY = Duration.ofSeconds(30);
    private static final Duration RETURN_WINDOW = Duration.ofSeconds(60);
    private static final Duration PICKUP_TIME = Duration.ofMinutes(3);
    /** Long enough for a write to commit on the simulated storage queue. */
    private static final Duration COMMIT_TIME = Duration.ofSeconds(1);
    /** How long a live message may take: a DHT lookup (at most 8 s), a dial, perhaps a relayed one. */
    private static final Duration LIVE_WINDOW = Duration.ofSeconds(30);

    private final SimConfig config;
    private final double offlineShare;
    private final VirtualScheduler clock = new VirtualScheduler(EPOCH_MILLIS);
    private final SeededRng rng;
    private final SecureRandom keys;
    private final InMemoryFabric fabric;
    private final List<Identity> identities = new ArrayList<>();
    private final List<SimProfile> profiles = new ArrayList<>();
    private final List<SimNode> nodes = new ArrayList<>();
    private final Set<Integer> offline = new HashSet<>();
    /** Per recipient index: the texts its messenger took in, and how often each was added. */
    private final Map<Integer, Map<String, Integer>> received = new HashMap<>();
    /** Texts whose sender saw them held by at least one replica. */
    private final Set<String> relayed = new HashSet<>();
    private LiveReport live;
    private long nodeSeeds;

    public OfflineDeliverySimulation(SimConfig config, double offlineShare) {
        if (!(offlineShare > 0 && offlineShare + config.churn() < 1)) {
            throw new IllegalArgumentException("--offline must be a share in (0, 1) that, with --churn, leaves someone");
        }
        this.config = config;
        this.offlineShare = offlineShare;
        this.rng = new SeededRng(config.seed() ^ 0x0ff1L);
        this.keys = Simulation.seededKeys(config.seed());
        this.fabric = new InMemoryFabric(LinkConditions.of(Duration.ofMillis(config.latencyMinMs()),
                Duration.ofMillis(config.latencyMaxMs()), config.loss(), new SeededRng(config.seed() ^ 0x5eed), clock));
        NatPlan.of(config, BOOTSTRAP_NODES).place(fabric);
    }

    /** A message to an away recipient: who sends it, to whom, and its text (unique in the run). */
    private record Sent(int sender, int recipient, String text) {
    }

    /** Bytes each node carried for others as a relay during the run, by node index (after {@link #run}). */
    public long[] relayedBytesByNode() {
        return NatPlan.of(config, BOOTSTRAP_NODES).relayedBytes(fabric);
    }

    public OfflineReport run() {
        try {
            return runIn();
        } finally {
            for (int i = 0; i < nodes.size(); i++) {
                if (nodes.get(i) != null && !offline.contains(i)) {
                    nodes.get(i).stop();
                }
            }
            profiles.forEach(SimProfile::close);
        }
    }

    private OfflineReport runIn() {
        for (int i = 0; i < config.nodes(); i++) {
            Identity identity = Identity.generate("node" + i, keys);
            identities.add(identity);
            profiles.add(SimProfile.of(identity, config.seed() * 37 + i));
            nodes.add(null);
            incarnate(i);
            if (i > 0) {
                SimNode bootstrap = nodes.get((int) rng.nextLong(Math.min(i, BOOTSTRAP_NODES)));
                nodes.get(i).links.keepLinkTo(DialTarget.peerAt(bootstrap.id(), bootstrap.address));
            }
        }
        clock.advance(SETTLE);

        List<Integer> others = new ArrayList<>();
        for (int i = BOOTSTRAP_NODES; i < config.nodes(); i++) {
            others.add(i);
        }
        List<Integer> recipients = pick(others, (int) Math.max(1, Math.round(offlineShare * config.nodes())));
        List<Integer> churners = pick(others, (int) Math.round(config.churn() * config.nodes()));
        Set<Integer> away = new HashSet<>(recipients);
        List<Sent> planned = new ArrayList<>();
        for (int m = 0; m < config.messages(); m++) {
            int recipient = recipients.get((int) rng.nextLong(recipients.size()));
            int sender = steadyNode(away, churners);
            planned.add(new Sent(sender, recipient, "message " + m + " from node " + sender + " to node " + recipient));
        }
        befriend(planned);
        // Only with NATs: there, reaching an online peer live (through a relay) is what is measured;
        // without them the scenario stays as it was.
        live = config.unreachable() > 0 ? sendLive(planned) : new LiveReport(0, 1, 0, 0);
        recipients.forEach(this::leave);
        Duration phase = BETWEEN_MESSAGES.multipliedBy(config.messages()).plus(AWAY_AFTER);
        for (int index : churners) {
            Churn.schedule(clock, rng, phase.toMillis(), index, nodes::get, this::leave, this::rejoin);
        }

        List<Sent> sent = new ArrayList<>();
        List<Double> replicasOverTime = new ArrayList<>();
        long sampleAt = clock.nowMillis();
        for (Sent message : planned) {
            nodes.get(message.sender()).node.messenger().send(identities.get(message.recipient()).peerId(),
                    message.text());
            sent.add(message);
            clock.advance(BETWEEN_MESSAGES);
            if (clock.nowMillis() - sampleAt >= SAMPLE_EVERY.toMillis()) {
                replicasOverTime.add(meanReplicas());
                sampleAt = clock.nowMillis();
            }
        }
        for (long t = 0; t < AWAY_AFTER.toMillis(); t += SAMPLE_EVERY.toMillis()) {
            clock.advance(SAMPLE_EVERY);
            replicasOverTime.add(meanReplicas());
        }
        long[] stored = storedBytes();
        for (int index : recipients) {
            clock.schedule(Duration.ofMillis(rng.nextLong(RETURN_WINDOW.toMillis())), () -> rejoin(index));
        }
        clock.advance(RETURN_WINDOW.plus(PICKUP_TIME));
        return report(recipients, sent, replicasOverTime, stored);
    }

    /** The live direct messages' figures, once {@link #run} has run. */
    public LiveReport liveReport() {
        return live;
    }

    /**
     * Before the recipients go away, each sender writes once to each of its recipients while both
     * are online, and the messages get {@link #LIVE_WINDOW} to arrive: reaching a peer live, through
     * a relay when either side is behind a NAT.
     */
    private LiveReport sendLive(List<Sent> planned) {
        Set<List<Integer>> pairs = new LinkedHashSet<>();
        planned.forEach(message -> pairs.add(List.of(message.sender(), message.recipient())));
        List<Sent> sent = new ArrayList<>();
        for (List<Integer> pair : pairs) {
            Sent message = new Sent(pair.get(0), pair.get(1), "live message from node " + pair.get(0) + " to node "
                    + pair.get(1));
            nodes.get(message.sender()).node.messenger().send(identities.get(message.recipient()).peerId(),
                    message.text());
            sent.add(message);
        }
        clock.advance(LIVE_WINDOW);
        NatPlan plan = NatPlan.of(config, BOOTSTRAP_NODES);
        int delivered = 0;
        int behindNat = 0;
        for (Sent message : sent) {
            if (received.get(message.recipient()).getOrDefault(message.text(), 0) > 0) {
                delivered++;
                if (!plan.isPublic(message.sender()) || !plan.isPublic(message.recipient())) {
                    behindNat++;
                }
            }
        }
        return new LiveReport(sent.size(), sent.isEmpty() ? 1 : (double) delivered / sent.size(), behindNat,
                (int) LIVE_WINDOW.toSeconds());
    }

    /** Each sender and its recipients add each other as contacts, as two people who write do. */
    private void befriend(List<Sent> planned) {
        Set<List<Integer>> pairs = new LinkedHashSet<>();
        planned.forEach(message -> pairs.add(List.of(message.sender(), message.recipient())));
        for (List<Integer> pair : pairs) {
            nodes.get(pair.get(0)).node.messenger().addContact(identities.get(pair.get(1)).peerId(),
                    "node" + pair.get(1));
            nodes.get(pair.get(1)).node.messenger().addContact(identities.get(pair.get(0)).peerId(),
                    "node" + pair.get(0));
        }
        clock.advance(COMMIT_TIME);
    }

    private List<Integer> pick(List<Integer> from, int count) {
        List<Integer> picked = new ArrayList<>();
        for (int n = 0; n < count && !from.isEmpty(); n++) {
            picked.add(from.remove((int) rng.nextLong(from.size())));
        }
        return picked;
    }

    private int steadyNode(Set<Integer> away, List<Integer> churners) {
        while (true) {
            int index = (int) rng.nextLong(config.nodes());
            if (!away.contains(index) && !churners.contains(index)) {
                return index;
            }
        }
    }

    private void leave(int index) {
        offline.add(index);
        nodes.get(index).stop();
    }

    /** Comes back as a restarted node does: through a few peers it knew (random online ones it can dial). */
    private void rejoin(int index) {
        List<PeerId> entry = new ArrayList<>();
        while (entry.size() < 3) {
            int other = (int) rng.nextLong(config.nodes());
            if (other != index && !offline.contains(other) && nodes.get(other).dialable) {
                entry.add(nodes.get(other).id());
            }
        }
        rejoin(index, entry);
    }

    private void rejoin(int index, List<PeerId> remembered) {
        Churn.redial(incarnate(index), remembered, nodes);
    }

    /** Starts a node from its profile's database, counting what its messenger takes in and sees relayed. */
    private SimNode incarnate(int index) {
        SimNode node = SimNode.whole(profiles.get(index), Simulation.addressOf(index), fabric, clock,
                config.seed() * 1_000_003 + nodeSeeds++ * 7);
        Map<String, Integer> taken = received.computeIfAbsent(index, key -> new HashMap<>());
        node.node.messenger().addListener(new MessagingEvents() {
            @Override
            public void messageAdded(MessageRecord message) {
                if (message.direction().equals(MessageRecord.IN)) {
                    taken.merge(message.text(), 1, Integer::sum);
                }
            }

            @Override
            public void messageUpdated(MessageRecord message) {
                if (message.direction().equals(MessageRecord.OUT) && message.state().equals(MessageRecord.RELAYED)) {
                    relayed.add(message.text());
                }
            }
        });
        nodes.set(index, node);
        offline.remove(index);
        node.start();
        return node;
    }

    /**
     * Mean live copies per relayed message: envelopes the online mailboxes hold for others, over
     * the messages their senders saw relayed so far (nothing else is held in this scenario).
     */
    private double meanReplicas() {
        long copies = 0;
        for (int i = 0; i < nodes.size(); i++) {
            if (!offline.contains(i)) {
                copies += nodes.get(i).node.mailbox().heldEnvelopeIds().size();
            }
        }
        return relayed.isEmpty() ? 0 : (double) copies / relayed.size();
    }

    private long[] storedBytes() {
        long total = 0;
        long max = 0;
        int online = 0;
        for (int i = 0; i < nodes.size(); i++) {
            if (!offline.contains(i)) {
                long bytes = nodes.get(i).node.mailbox().bytesHeldForOthers();
                total += bytes;
                max = Math.max(max, bytes);
                online++;
            }
        }
        return new long[] {online == 0 ? 0 : total / online, max};
    }

    private OfflineReport report(List<Integer> recipients, List<Sent> sent, List<Double> replicasOverTime,
                                 long[] stored) {
        long delivered = 0;
        long duplicates = 0;
        for (Sent message : sent) {
            int copies = received.get(message.recipient()).getOrDefault(message.text(), 0);
            if (copies > 0) {
                delivered++;
                duplicates += copies - 1;
            }
        }
        long relayedMessages = sent.stream().filter(message -> relayed.contains(message.text())).count();
        return new OfflineReport(recipients.size(), sent.size(), (double) delivered / sent.size(), duplicates,
                (double) relayedMessages / sent.size(), replicasOverTime, stored[0], stored[1]);
    }
}
