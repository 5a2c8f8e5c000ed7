package org.parley.sim;

import com.google.protobuf.ByteString;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.parley.identity.Identity;
import org.parley.identity.PeerId;
import org.parley.link.DialTarget;
import org.parley.link.memory.InMemoryFabric;
import org.parley.link.memory.LinkConditions;
import org.parley.mailbox.ClosestKnownPeers;
import org.parley.mailbox.Mailbox;
import org.parley.mailbox.MailboxConfig;
import org.parley.mailbox.RelayOutbox;
import org.parley.messaging.Envelope;
import org.parley.messaging.EnvelopeException;
import org.parley.messaging.MessageId;
import org.parley.messaging.PrekeyBundles;
import org.parley.messaging.RelayItem;
import org.parley.proto.wire.v1.PrekeyBundle;
import org.parley.runtime.SeededRng;
import org.parley.runtime.VirtualScheduler;

/**
 * Offline delivery on the simulated network: every node runs the daemon's link, discovery, DHT
 * and mailbox code. After the network settles, a share of nodes goes away; steady nodes send them
 * signed envelopes (random payloads: the mailbox never reads them), which the senders hand to
 * replicas; meanwhile {@code churn} of the other nodes leave and come back, losing what they held
 * (the hard case for repair: a real daemon keeps it on disk); then the recipients come back, one
 * by one, and pick their mail up. Deterministic for a seed.
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
    private static final int PAYLOAD_BYTES = 200;

    private final SimConfig config;
    private final double offlineShare;
    private final VirtualScheduler clock = new VirtualScheduler(EPOCH_MILLIS);
    private final SeededRng rng;
    private final SecureRandom keys;
    private final InMemoryFabric fabric;
    private final MailboxConfig mailboxConfig = MailboxConfig.defaults();
    private final List<Identity> identities = new ArrayList<>();
    private final List<PrekeyBundle> bundles = new ArrayList<>();
    private final List<SimNode> nodes = new ArrayList<>();
    private final List<Mailbox> mailboxes = new ArrayList<>();
    private final List<Outbox> outboxes = new ArrayList<>();
    private final Set<Integer> offline = new HashSet<>();
    /** Per recipient index: envelope IDs it took in, and how often each was handed over. */
    private final Map<Integer, Map<ByteString, Integer>> received = new HashMap<>();
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
    }

    /** A message to an away recipient: who sent it, to whom, and its envelope ID. */
    private record Sent(int sender, int recipient, ByteString envelopeId) {
    }

    public OfflineReport run() {
        for (int i = 0; i < config.nodes(); i++) {
            Identity identity = Identity.generate("node" + i, keys);
            identities.add(identity);
            bundles.add(PrekeyBundles.throwaway(identity, keys, clock.nowMillis()));
            outboxes.add(new Outbox());
            nodes.add(null);
            mailboxes.add(null);
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
        recipients.forEach(index -> leave(index));
        Duration phase = BETWEEN_MESSAGES.multipliedBy(config.messages()).plus(AWAY_AFTER);
        scheduleChurn(churners, phase, away);

        List<Sent> sent = new ArrayList<>();
        List<Double> replicasOverTime = new ArrayList<>();
        long sampleAt = clock.nowMillis();
        for (int m = 0; m < config.messages(); m++) {
            int recipient = recipients.get((int) rng.nextLong(recipients.size()));
            int sender = steadyNode(away, churners);
            sent.add(send(sender, recipient));
            clock.advance(BETWEEN_MESSAGES);
            if (clock.nowMillis() - sampleAt >= SAMPLE_EVERY.toMillis()) {
                replicasOverTime.add(meanReplicas(sent));
                sampleAt = clock.nowMillis();
            }
        }
        for (long t = 0; t < AWAY_AFTER.toMillis(); t += SAMPLE_EVERY.toMillis()) {
            clock.advance(SAMPLE_EVERY);
            replicasOverTime.add(meanReplicas(sent));
        }
        long[] stored = storedBytes();
        for (int index : recipients) {
            clock.schedule(Duration.ofMillis(rng.nextLong(RETURN_WINDOW.toMillis())), () -> rejoin(index));
        }
        clock.advance(RETURN_WINDOW.plus(PICKUP_TIME));
        return report(recipients, sent, replicasOverTime, stored);
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

    private Sent send(int sender, int recipient) {
        byte[] payload = randomBytes(PAYLOAD_BYTES);
        long now = clock.nowMillis();
        Envelope envelope = Envelope.create(identities.get(sender), identities.get(recipient).peerId(), now,
                now + mailboxConfig.holdFor().toMillis(), payload);
        byte[] id = randomBytes(MessageId.SIZE);
        outboxes.get(sender).waiting.put(MessageId.of(id), new RelayItem(MessageId.of(id),
                identities.get(recipient).peerId(), envelope.toProto()));
        return new Sent(sender, recipient, ByteString.copyFrom(envelope.id()));
    }

    private byte[] randomBytes(int count) {
        byte[] bytes = new byte[count];
        for (int i = 0; i < count; i++) {
            bytes[i] = (byte) rng.nextLong(256);
        }
        return bytes;
    }

    private void scheduleChurn(List<Integer> churners, Duration phase, Set<Integer> away) {
        for (int index : churners) {
            Churn.schedule(clock, rng, phase.toMillis(), index, nodes::get, this::leave, this::rejoin);
        }
    }

    private void leave(int index) {
        offline.add(index);
        mailboxes.get(index).stop();
        nodes.get(index).stop();
    }

    private void rejoin(int index) {
        List<PeerId> entry = new ArrayList<>();
        while (entry.size() < 3) {
            int other = (int) rng.nextLong(config.nodes());
            if (other != index && !offline.contains(other)) {
                entry.add(nodes.get(other).id());
            }
        }
        rejoin(index, entry);
    }

    /** Comes back as a restarted node does: through a few peers it knew. */
    private void rejoin(int index, List<PeerId> remembered) {
        Churn.redial(incarnate(index), remembered, nodes);
    }

    private SimNode incarnate(int index) {
        Identity identity = identities.get(index);
        SimNode node = new SimNode(identity, Simulation.addressOf(index), false, bundles.get(index), fabric, clock,
                config.seed() * 1_000_003 + nodeSeeds++ * 7);
        Outbox outbox = outboxes.get(index);
        outbox.links = node.links;
        Map<ByteString, Integer> taken = received.computeIfAbsent(index, key -> new HashMap<>());
        Mailbox mailbox = Mailbox.inMemory(identity, node.links, clock, clock, mailboxConfig,
                new ClosestKnownPeers(node.dht, node.discovery, node.links), outbox, (replica, envelope) -> {
                    try {
                        taken.merge(ByteString.copyFrom(Envelope.verify(envelope, clock.nowMillis()).id()), 1,
                                Integer::sum);
                    } catch (EnvelopeException e) {
                        throw new IllegalStateException("the pickup hands over verified envelopes only", e);
                    }
                    return CompletableFuture.completedFuture(null);
                });
        node.links.addListener(mailbox);
        nodes.set(index, node);
        mailboxes.set(index, mailbox);
        offline.remove(index);
        node.start();
        mailbox.start();
        return node;
    }

    /** Mean live copies per message, over the messages sent so far. */
    private double meanReplicas(List<Sent> sent) {
        Map<ByteString, Integer> copies = new HashMap<>();
        for (int i = 0; i < nodes.size(); i++) {
            if (!offline.contains(i)) {
                mailboxes.get(i).heldEnvelopeIds().forEach(id -> copies.merge(id, 1, Integer::sum));
            }
        }
        return sent.stream().mapToInt(message -> copies.getOrDefault(message.envelopeId(), 0)).average().orElse(0);
    }

    private long[] storedBytes() {
        long total = 0;
        long max = 0;
        int online = 0;
        for (int i = 0; i < nodes.size(); i++) {
            if (!offline.contains(i)) {
                long bytes = mailboxes.get(i).bytesHeldForOthers();
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
            int copies = received.get(message.recipient()).getOrDefault(message.envelopeId(), 0);
            if (copies > 0) {
                delivered++;
                duplicates += copies - 1;
            }
        }
        long relayed = outboxes.stream().mapToLong(outbox -> outbox.relayed).sum();
        return new OfflineReport(recipients.size(), sent.size(), (double) delivered / sent.size(), duplicates,
                (double) relayed / sent.size(), replicasOverTime, stored[0], stored[1]);
    }

    /** A sender's outbox: its messages wait until replicas hold them. */
    private static final class Outbox implements RelayOutbox {
        final Map<MessageId, RelayItem> waiting = new LinkedHashMap<>();
        org.parley.link.LinkControl links;
        long relayed;

        @Override
        public List<RelayItem> awaitingRelay() {
            return waiting.values().stream().filter(item -> !links.isConnected(item.recipient())).toList();
        }

        @Override
        public void relayed(PeerId recipient, MessageId id, int replicas) {
            if (waiting.remove(id) != null) {
                relayed++;
            }
        }

        @Override
        public void relayRefused(PeerId recipient, MessageId id, String reason) {
            waiting.remove(id);
        }
    }
}
