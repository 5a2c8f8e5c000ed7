package org.parley.sim;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.parley.messaging.MessageRecord;
import org.parley.messaging.MessagingEvents;

/**
 * Offline delivery on a {@link WholeNodeNetwork}: after the network settles, pairs of users add
 * each other as contacts; then a share of nodes goes away, and steady nodes send them messages
 * through their real messengers, which find the recipients' bundles in the DHT, seal, and hand
 * the envelopes to mailbox replicas; meanwhile churning nodes leave and come back (restarting
 * from their databases, as a daemon does); then the recipients come back, one by one, and pick
 * their mail up. Runs alone ({@link #run()}) or beside a group on the same nodes
 * ({@link WholeNodeSimulation}). Deterministic for a seed.
 */
public final class OfflineDeliverySimulation {
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
    private WholeNodeNetwork network;
    private final List<Integer> recipients = new ArrayList<>();
    private final List<Sent> planned = new ArrayList<>();
    /** Per recipient index: the texts its messenger took in, and how often each was added. */
    private final Map<Integer, Map<String, Integer>> received = new HashMap<>();
    /** Texts whose sender saw them held by at least one replica. */
    private final Set<String> relayed = new HashSet<>();
    private final List<Double> replicasOverTime = new ArrayList<>();
    private long[] stored = {0, 0};
    private LiveReport live;
    private LiveTrace liveTrace;
    /** Which nodes sit behind which NAT: the live messages are told apart by it. */
    private NatPlan natPlan;

    public OfflineDeliverySimulation(SimConfig config, double offlineShare) {
        if (!(offlineShare > 0 && offlineShare + config.churn() < 1)) {
            throw new IllegalArgumentException("--offline must be a share in (0, 1) that, with --churn, leaves someone");
        }
        this.config = config;
        this.offlineShare = offlineShare;
    }

    /** A message to an away recipient: who sends it, to whom, and its text (unique in the run). */
    private record Sent(int sender, int recipient, String text) {
    }

    /** Bytes each node carried for others as a relay during the run, by node index (after {@link #run}). */
    public long[] relayedBytesByNode() {
        return network.relayedBytesByNode();
    }

    /** This scenario alone on a network of its own. */
    public OfflineReport run() {
        return new WholeNodeSimulation(config, this, null).run().offline();
    }

    /** How many nodes go away. */
    int recipientCount() {
        return (int) Math.max(1, Math.round(offlineShare * config.nodes()));
    }

    /** Counts, on every incarnation of every node, what its messenger takes in and sees relayed. */
    void watch(WholeNodeNetwork on) {
        this.network = on;
        natPlan = NatPlan.of(config, WholeNodeNetwork.BOOTSTRAP_NODES);
        liveTrace = new LiveTrace(on, natPlan);
        on.watchIncarnations(liveTrace::watch);
        on.watchIncarnations((index, node) -> {
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
                    if (message.direction().equals(MessageRecord.OUT)
                            && message.state().equals(MessageRecord.RELAYED)) {
                        relayed.add(message.text());
                    }
                }
            });
        });
    }

    /** Takes the recipients out of {@code candidates}. */
    void pickRecipients(List<Integer> candidates) {
        recipients.addAll(network.pick(candidates, recipientCount()));
    }

    /**
     * Plans the messages (each from a node that neither goes away nor churns), lets senders and
     * recipients befriend each other, and sends the recipients away.
     */
    void sendRecipientsAway(List<Integer> churners) {
        Set<Integer> away = new HashSet<>(recipients);
        for (int m = 0; m < config.messages(); m++) {
            int recipient = recipients.get((int) network.rng.nextLong(recipients.size()));
            int sender = steadyNode(away, churners);
            planned.add(new Sent(sender, recipient, "message " + m + " from node " + sender + " to node " + recipient));
        }
        befriend();
        // Only with NATs: there, reaching an online peer live (through a relay) is what is measured;
        // without them the scenario stays as it was.
        live = config.unreachable() > 0 ? sendLive() : new LiveReport(0, 1, 0, 0, List.of());
        recipients.forEach(network::leave);
    }

    /** Virtual time from the first message until the recipients begin to return. */
    long awayMillis() {
        return BETWEEN_MESSAGES.multipliedBy(config.messages()).plus(AWAY_AFTER).toMillis();
    }

    /** Virtual time from the first message until the scenario can be measured. */
    long durationMillis() {
        return awayMillis() + RETURN_WINDOW.plus(PICKUP_TIME).toMillis();
    }

    /**
     * Schedules, from now: one message every 200 ms, a count of live copies every 30 s while the
     * recipients are away, and their return within a minute after that.
     */
    void schedule() {
        for (int m = 0; m < planned.size(); m++) {
            Sent message = planned.get(m);
            network.clock.schedule(BETWEEN_MESSAGES.multipliedBy(m), () -> network.node(message.sender())
                    .node.messenger().send(network.id(message.recipient()), message.text()));
        }
        long away = awayMillis();
        for (long t = SAMPLE_EVERY.toMillis(); t <= away; t += SAMPLE_EVERY.toMillis()) {
            network.clock.schedule(Duration.ofMillis(t), () -> replicasOverTime.add(meanReplicas()));
        }
        network.clock.schedule(Duration.ofMillis(away), () -> {
            stored = storedBytes();
            for (int index : recipients) {
                network.clock.schedule(Duration.ofMillis(network.rng.nextLong(RETURN_WINDOW.toMillis())),
                        () -> network.rejoin(index));
            }
        });
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
    private LiveReport sendLive() {
        Set<List<Integer>> pairs = new LinkedHashSet<>();
        planned.forEach(message -> pairs.add(List.of(message.sender(), message.recipient())));
        List<Sent> sent = new ArrayList<>();
        for (List<Integer> pair : pairs) {
            sent.add(new Sent(pair.get(0), pair.get(1), liveText(pair)));
        }
        liveTrace.liveSent();
        for (Sent message : sent) {
            network.node(message.sender()).node.messenger().send(network.id(message.recipient()), message.text());
        }
        liveTrace.sampleFor(LIVE_WINDOW);
        network.clock.advance(LIVE_WINDOW);
        int delivered = 0;
        int behindNat = 0;
        List<String> missed = new ArrayList<>();
        for (Sent message : sent) {
            if (received.get(message.recipient()).getOrDefault(message.text(), 0) > 0) {
                delivered++;
                if (!natPlan.isPublic(message.sender()) || !natPlan.isPublic(message.recipient())) {
                    behindNat++;
                }
            } else {
                missed.addAll(liveTrace.explain(message.sender(), message.recipient()));
            }
        }
        return new LiveReport(sent.size(), sent.isEmpty() ? 1 : (double) delivered / sent.size(), behindNat,
                (int) LIVE_WINDOW.toSeconds(), missed);
    }

    /**
     * Each sender and its recipients add each other as contacts, as two people who write do, and
     * each recipient writes to its sender once before going away: then the sender's mail to it
     * waits at their pair address, not at the recipient's key (decision 0047).
     */
    private void befriend() {
        Set<List<Integer>> pairs = new LinkedHashSet<>();
        planned.forEach(message -> pairs.add(List.of(message.sender(), message.recipient())));
        for (List<Integer> pair : pairs) {
            network.node(pair.get(0)).node.messenger().addContact(network.id(pair.get(1)), "node" + pair.get(1));
            network.node(pair.get(1)).node.messenger().addContact(network.id(pair.get(0)), "node" + pair.get(0));
        }
        Map<List<Integer>, List<String>> texts = new HashMap<>();
        pairs.forEach(pair -> texts.put(pair, List.of(helloText(pair), liveText(pair))));
        liveTrace.start(texts);
        for (List<Integer> pair : pairs) {
            network.node(pair.get(1)).node.messenger().send(network.id(pair.get(0)), helloText(pair));
        }
        network.clock.advance(LIVE_WINDOW);
        network.clock.advance(COMMIT_TIME);
    }

    private static String helloText(List<Integer> pair) {
        return "hello from node " + pair.get(1);
    }

    private static String liveText(List<Integer> pair) {
        return "live message from node " + pair.get(0) + " to node " + pair.get(1);
    }

    private int steadyNode(Set<Integer> away, List<Integer> churners) {
        while (true) {
            int index = (int) network.rng.nextLong(config.nodes());
            if (!away.contains(index) && !churners.contains(index)) {
                return index;
            }
        }
    }

    /**
     * Mean live copies per relayed message: envelopes the online mailboxes hold for the away
     * recipients, over the messages their senders saw relayed so far. Only the recipients' mail
     * counts: beside a group, mailboxes also hold group signals for members who were not linked.
     */
    private double meanReplicas() {
        // Mail to a contact waits under the pair's address, which names no recipient (decision
        // 0047): every envelope held for others counts. Only mail for the away recipients is
        // held meanwhile (the steady nodes' receipts and hellos travel on their links).
        long copies = 0;
        for (int i = 0; i < network.size(); i++) {
            if (network.isOnline(i)) {
                copies += network.node(i).node.mailbox().envelopesHeldForOthers();
            }
        }
        return relayed.isEmpty() ? 0 : (double) copies / relayed.size();
    }

    private long[] storedBytes() {
        long total = 0;
        long max = 0;
        int online = 0;
        for (int i = 0; i < network.size(); i++) {
            if (network.isOnline(i)) {
                long bytes = network.node(i).node.mailbox().bytesHeldForOthers();
                total += bytes;
                max = Math.max(max, bytes);
                online++;
            }
        }
        return new long[] {online == 0 ? 0 : total / online, max};
    }

    OfflineReport report() {
        long delivered = 0;
        long duplicates = 0;
        for (Sent message : planned) {
            int copies = received.get(message.recipient()).getOrDefault(message.text(), 0);
            if (copies > 0) {
                delivered++;
                duplicates += copies - 1;
            }
        }
        long relayedMessages = planned.stream().filter(message -> relayed.contains(message.text())).count();
        return new OfflineReport(recipients.size(), planned.size(), (double) delivered / planned.size(), duplicates,
                (double) relayedMessages / planned.size(), replicasOverTime, stored[0], stored[1]);
    }
}
