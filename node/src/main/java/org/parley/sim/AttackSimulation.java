package org.parley.sim;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.UnaryOperator;
import org.parley.crypto.Ed25519;
import org.parley.identity.Identity;
import org.parley.identity.PeerId;
import org.parley.link.DialTarget;
import org.parley.link.memory.InMemoryFabric;
import org.parley.link.memory.LinkConditions;
import org.parley.messaging.MessageRecord;
import org.parley.messaging.MessagingEvents;
import org.parley.messaging.PrekeyBundles;
import org.parley.node.NodeEnvironment;
import org.parley.overlay.dht.DhtKey;
import org.parley.overlay.gossip.GossipId;
import org.parley.overlay.record.RecordVerifier;
import org.parley.proto.wire.v1.PrekeyBundle;
import org.parley.runtime.SeededRng;
import org.parley.runtime.VirtualScheduler;

/**
 * Honest nodes and colluding Sybils on one in-memory network and one virtual clock. Every node,
 * Sybils included, is built by the daemon's assembly with a real identity and validly signed
 * records; a Sybil differs only by the behaviour laid over its parts ({@link CollusiveDht},
 * {@link DefectingGossip}, {@link PeerExchangeFlood}, {@link MailSpammer}), which all Sybils of a
 * run share through their {@link Colluders}. One honest node (not a bootstrap node) is the
 * victim. Honest nodes join first, then the Sybils (each through a random honest node); the
 * network settles; honest nodes publish on a topic all nodes subscribe to; then the figures of
 * {@link AttackReport} are taken. Overlay-only honest nodes, but for mail-spam, where every honest
 * node is whole (messenger and mailbox on a database of its own), as mail needs. Deterministic
 * for a seed.
 */
public final class AttackSimulation {
    private static final long EPOCH_MILLIS = 1_767_225_600_000L;
    private static final int BOOTSTRAP_NODES = 4;
    /** Quiet time after every node started, before the warm-up traffic. */
    private static final Duration SETTLE = Duration.ofSeconds(30);
    /**
     * A network under attack is a network in use: for a minute before the counted messages,
     * honest nodes publish two messages a second (not counted), with the Sybils already doing
     * what they do (a covert flash's Sybils still behaving).
     */
    private static final int WARM_UP_MESSAGES = 120;
    private static final Duration BETWEEN_WARM_UP_MESSAGES = Duration.ofMillis(500);
    private static final Duration BETWEEN_MESSAGES = Duration.ofMillis(200);
    private static final Duration DRAIN = Duration.ofSeconds(30);
    /** Longer than a lookup may take (the DHT gives up after 8 s, and a second, disjoint one after 8 s more). */
    private static final Duration LOOKUP_TIME = Duration.ofSeconds(20);
    private static final int LOOKUPS = 200;
    /** The victim's own lookups, in rounds of a few, as a user's node makes them. */
    private static final int VICTIM_LOOKUPS = 100;
    private static final int VICTIM_LOOKUPS_PER_ROUND = 10;
    /** Eclipse: at most this many Sybils grind their IDs near the victim's key; the rest collude from where they are. */
    static final int MAX_GROUND = 200;
    /** Mail-spam: honest senders writing to the victim while it is away. */
    private static final int MAIL_SENDERS = 10;
    private static final Duration AWAY_AFTER = Duration.ofMinutes(5);
    private static final Duration PICKUP_TIME = Duration.ofMinutes(3);
    private static final Duration COMMIT_TIME = Duration.ofSeconds(1);

    private final AttackConfig config;
    private final VirtualScheduler clock = new VirtualScheduler(EPOCH_MILLIS);
    private final SeededRng rng;
    private final SecureRandom keys;
    private final InMemoryFabric fabric;
    private final RecordVerifier records;
    private final List<SimNode> nodes = new ArrayList<>();
    private final List<SimProfile> profiles = new ArrayList<>();
    private final Colluders colluders;
    private final boolean whole;
    private long nodeSeeds;
    private int victim;
    private int groundBits;
    private long grindAttempts;
    private double grindSeconds;
    private boolean attacking = true;

    public AttackSimulation(AttackConfig config) {
        this.config = config;
        this.rng = new SeededRng(config.seed());
        this.keys = Simulation.seededKeys(config.seed());
        this.records = new RecordVerifier(Math.max(4 * config.nodes(), 8192));
        this.fabric = new InMemoryFabric(LinkConditions.of(Duration.ofMillis(config.latencyMinMs()),
                Duration.ofMillis(config.latencyMaxMs()), 0, new SeededRng(config.seed() ^ 0x5eed), clock));
        this.whole = config.kind() == AttackKind.MAIL_SPAM;
        this.colluders = new Colluders(switch (config.kind()) {
            case ECLIPSE, SYBIL_FLOOD -> Colluders.Mode.LYING;
            case COVERT_FLASH, MAIL_SPAM -> Colluders.Mode.HONEST;
        });
    }

    public AttackReport run() {
        long started = System.nanoTime();
        try {
            List<Identity> honest = new ArrayList<>();
            for (int i = 0; i < config.honest(); i++) {
                honest.add(Identity.generate("node" + i, keys));
            }
            victim = BOOTSTRAP_NODES + (int) rng.nextLong(config.honest() - BOOTSTRAP_NODES);
            for (int i = 0; i < config.honest(); i++) {
                SimNode node = startHonest(i, honest.get(i));
                if (i > 0) {
                    SimNode bootstrap = nodes.get((int) rng.nextLong(Math.min(i, BOOTSTRAP_NODES)));
                    node.links.keepLinkTo(DialTarget.peerAt(bootstrap.id(), bootstrap.address));
                }
            }
            startSybils(honest);
            clock.advance(SETTLE);
            warmUp();
            return whole ? mailSpam(started) : topicAttack(started);
        } finally {
            attacking = false;
            profiles.forEach(SimProfile::close);
        }
    }

    private SimNode startHonest(int index, Identity identity) {
        SimNode node;
        long seed = config.seed() * 1_000_003 + nodeSeeds++ * 7;
        if (whole) {
            // A returning node starts again from its own database, as a restarted daemon does.
            if (index == profiles.size()) {
                profiles.add(SimProfile.of(identity, config.seed() * 37 + index));
            }
            SimProfile profile = profiles.get(index);
            node = SimNode.whole(profile, Simulation.addressOf(index), fabric, clock, seed, records);
        } else {
            PrekeyBundle bundle = PrekeyBundles.throwaway(identity, keys, clock.nowMillis());
            node = SimNode.overlay(identity, Simulation.addressOf(index), false, false, () -> bundle, fabric, clock,
                    seed, records);
        }
        if (index < nodes.size()) {
            nodes.set(index, node);
        } else {
            nodes.add(node);
        }
        node.start();
        return node;
    }

    /**
     * Starts the Sybils, each linked to a random honest node; for an eclipse, the first ones with
     * IDs ground closer to the victim's key than any honest node's, each keeping a link to the victim.
     */
    private void startSybils(List<Identity> honest) {
        DhtKey victimKey = DhtKey.ofPeer(honest.get(victim).peerId());
        int ground = config.kind() == AttackKind.ECLIPSE ? Math.min(config.sybils(), MAX_GROUND) : 0;
        if (ground > 0) {
            for (int i = 0; i < honest.size(); i++) {
                if (i != victim) {
                    groundBits = Math.max(groundBits, victimKey.commonPrefixLength(DhtKey.ofPeer(honest.get(i).peerId())) + 1);
                }
            }
        }
        long grindStarted = System.nanoTime();
        List<Identity> sybils = new ArrayList<>();
        for (int j = 0; j < config.sybils(); j++) {
            sybils.add(j < ground ? grind("sybil" + j, victimKey) : Identity.generate("sybil" + j, keys));
        }
        grindSeconds = (System.nanoTime() - grindStarted) / 1e9;
        UnaryOperator<NodeEnvironment.Builder> behaviour = environment -> environment
                .gossipHost(host -> new DefectingGossip(host, colluders))
                .dhtFrames((dht, links, discovery) -> new CollusiveDht(dht, links, colluders));
        for (int j = 0; j < sybils.size(); j++) {
            Identity identity = sybils.get(j);
            PrekeyBundle bundle = PrekeyBundles.throwaway(identity, keys, clock.nowMillis());
            SimNode sybil = SimNode.overlay(identity, Simulation.addressOf(config.honest() + j), true, behaviour,
                    () -> bundle, fabric, clock, config.seed() * 1_000_003 + nodeSeeds++ * 7, records);
            nodes.add(sybil);
            sybil.start();
            colluders.add(sybil.id(), sybil.discovery.ownRecord().toProto());
            SimNode entry = nodes.get((int) rng.nextLong(config.honest()));
            sybil.links.keepLinkTo(DialTarget.peerAt(entry.id(), entry.address));
            if (j < ground && entry != nodes.get(victim)) {
                sybil.links.keepLinkTo(DialTarget.peerAt(nodes.get(victim).id(), nodes.get(victim).address));
            }
            if (config.kind() == AttackKind.SYBIL_FLOOD) {
                PeerExchangeFlood.start(sybil, colluders, new SeededRng(config.seed() * 31 + j), clock,
                        () -> attacking);
            }
        }
        colluders.seal();
    }

    /**
     * Grinds an identity key until its DHT key shares {@link #groundBits} leading bits with
     * {@code target}: about 2^bits key pairs, each one Ed25519 key derivation and one SHA-256.
     */
    private Identity grind(String name, DhtKey target) {
        while (true) {
            byte[] seed = Ed25519.generateSeed(keys);
            grindAttempts++;
            PeerId peer = PeerId.fromPublicKey(Ed25519.publicKey(seed));
            if (DhtKey.ofPeer(peer).commonPrefixLength(target) >= groundBits) {
                return Identity.withSeed(name, seed, keys);
            }
        }
    }

    private AttackReport topicAttack(long started) {
        List<Published> before = List.of();
        List<Published> published;
        if (config.kind() == AttackKind.COVERT_FLASH) {
            before = publish(config.messages() / 2);
            colluders.switchTo(Colluders.Mode.SILENT);
            published = publish(config.messages() - config.messages() / 2);
        } else {
            published = publish(config.messages());
        }
        clock.advance(DRAIN);
        return report(published, config.kind() == AttackKind.COVERT_FLASH ? delivery(before) : null, null, null, 0,
                started);
    }

    /**
     * The victim and its senders befriend each other; the victim goes away; the Sybils spam it
     * while the senders write to it (one message every 200 ms) and honest nodes publish on the
     * topic; after several repair rounds it comes back and picks its mail up.
     */
    private AttackReport mailSpam(long started) {
        List<Integer> senders = new ArrayList<>();
        while (senders.size() < Math.min(MAIL_SENDERS, config.honest() - 2)) {
            int sender = (int) rng.nextLong(config.honest());
            if (sender != victim && !senders.contains(sender)) {
                senders.add(sender);
            }
        }
        PeerId victimId = nodes.get(victim).id();
        for (int sender : senders) {
            nodes.get(sender).node.messenger().addContact(victimId, "victim");
            nodes.get(victim).node.messenger().addContact(nodes.get(sender).id(), "node" + sender);
        }
        clock.advance(COMMIT_TIME);
        List<PeerId> remembered = nodes.get(victim).links.linkedPeers();
        nodes.get(victim).stop();
        long[] spam = {0};
        for (int j = 0; j < config.sybils(); j++) {
            MailSpammer.spam(nodes.get(config.honest() + j), victimId, clock, spam);
        }
        List<String> texts = new ArrayList<>();
        for (int m = 0; m < config.messages(); m++) {
            int sender = senders.get(m % senders.size());
            String text = "message " + m + " from node " + sender;
            texts.add(text);
            clock.schedule(BETWEEN_MESSAGES.multipliedBy(m), () -> nodes.get(sender).node.messenger().send(victimId, text));
        }
        List<Published> published = publish(config.messages());
        clock.advance(AWAY_AFTER);
        Map<String, Integer> received = new HashMap<>();
        SimNode back = startHonest(victim, nodes.get(victim).identity);
        back.node.messenger().addListener(new MessagingEvents() {
            @Override
            public void messageAdded(MessageRecord message) {
                if (message.direction().equals(MessageRecord.IN)) {
                    received.merge(message.text(), 1, Integer::sum);
                }
            }

            @Override
            public void messageUpdated(MessageRecord message) {
                // Only what arrives counts.
            }
        });
        Churn.redial(back, remembered, nodes);
        clock.advance(PICKUP_TIME);
        int delivered = (int) texts.stream().filter(received::containsKey).count();
        return report(published, null, texts.size(), delivered, spam[0], started);
    }

    private record Published(GossipId id, int publisher) {
    }

    private void warmUp() {
        for (int m = 0; m < WARM_UP_MESSAGES; m++) {
            int publisher = honestNode(-1);
            if (!whole || publisher != victim) {
                nodes.get(publisher).router.publish(SimNode.TOPIC,
                        ("warm-up " + m + " from node " + publisher).getBytes(StandardCharsets.UTF_8));
            }
            clock.advance(BETWEEN_WARM_UP_MESSAGES);
        }
    }

    private List<Published> publish(int count) {
        List<Published> published = new ArrayList<>();
        for (int m = 0; m < count; m++) {
            int publisher = honestNode(victim);
            byte[] payload = ("message " + m + " from node " + publisher).getBytes(StandardCharsets.UTF_8);
            published.add(new Published(nodes.get(publisher).router.publish(SimNode.TOPIC, payload), publisher));
            clock.advance(BETWEEN_MESSAGES);
        }
        return published;
    }

    /** A random honest node other than {@code except}. */
    private int honestNode(int except) {
        while (true) {
            int index = (int) rng.nextLong(config.honest());
            if (index != except) {
                return index;
            }
        }
    }

    /** Share of (message, honest subscriber) pairs delivered; the away victim of mail-spam does not count. */
    private double delivery(List<Published> published) {
        long expected = 0;
        long delivered = 0;
        for (int i = 0; i < config.honest(); i++) {
            if (whole && i == victim) {
                continue;
            }
            for (Published message : published) {
                if (message.publisher() != i) {
                    expected++;
                    if (nodes.get(i).deliveries.containsKey(message.id())) {
                        delivered++;
                    }
                }
            }
        }
        return expected == 0 ? 1 : (double) delivered / expected;
    }

    private AttackReport report(List<Published> published, Double beforeFlash, Integer mailSent,
                                Integer mailDelivered, long spam, long started) {
        double delivery = delivery(published);
        SimNode victimNode = nodes.get(victim);
        List<PeerId> victimLinks = victimNode.links.linkedPeers();
        long honestLinks = 0;
        long toSybils = 0;
        Map<PeerId, List<PeerId>> linksOfHonest = new HashMap<>();
        for (int i = 0; i < config.honest(); i++) {
            linksOfHonest.put(nodes.get(i).id(), nodes.get(i).links.linkedPeers());
            for (PeerId peer : nodes.get(i).links.linkedPeers()) {
                honestLinks++;
                if (colluders.isSybil(peer)) {
                    toSybils++;
                }
            }
        }
        HonestLinkGraph graph = HonestLinkGraph.of(linksOfHonest);
        double lookupsOfVictim = lookUpVictim();
        double victimLookups = victimLooksUp();
        double lookups = lookUpHonest();
        boolean eclipse = config.kind() == AttackKind.ECLIPSE;
        int ground = eclipse ? Math.min(config.sybils(), MAX_GROUND) : 0;
        return new AttackReport(config.kind().cliName(), config.honest(), config.sybils(), config.seed(),
                config.messages(), eclipse ? ground : null, eclipse ? groundBits : null,
                eclipse ? grindAttempts : null, eclipse ? grindSeconds : null, victimLinks.size(),
                share(victimLinks.stream().filter(colluders::isSybil).count(), victimLinks.size()),
                share(toSybils, honestLinks), graph.withoutHonestLink(), graph.largestComponent(), LOOKUPS, lookupsOfVictim, VICTIM_LOOKUPS, victimLookups, LOOKUPS,
                lookups, delivery, beforeFlash, mailSent, mailDelivered, whole ? spam : null,
                (System.nanoTime() - started) / 1e9);
    }

    private static double share(long part, long whole) {
        return whole == 0 ? 0 : (double) part / whole;
    }

    /** From random honest nodes other than the victim, all at once: who finds the victim's record. */
    private double lookUpVictim() {
        List<CompletableFuture<Boolean>> pending = new ArrayList<>();
        for (int n = 0; n < LOOKUPS; n++) {
            pending.add(found(honestNode(victim), victim));
        }
        clock.advance(LOOKUP_TIME);
        return successes(pending);
    }

    /** The victim looks up random honest nodes, a few at a time. */
    private double victimLooksUp() {
        List<CompletableFuture<Boolean>> pending = new ArrayList<>();
        for (int round = 0; round < VICTIM_LOOKUPS / VICTIM_LOOKUPS_PER_ROUND; round++) {
            for (int n = 0; n < VICTIM_LOOKUPS_PER_ROUND; n++) {
                pending.add(found(victim, honestNode(victim)));
            }
            clock.advance(LOOKUP_TIME);
        }
        return successes(pending);
    }

    /** Random honest nodes look up random other honest nodes, all at once. */
    private double lookUpHonest() {
        List<CompletableFuture<Boolean>> pending = new ArrayList<>();
        for (int n = 0; n < LOOKUPS; n++) {
            int from = honestNode(-1);
            pending.add(found(from, honestNode(from)));
        }
        clock.advance(LOOKUP_TIME);
        return successes(pending);
    }

    private CompletableFuture<Boolean> found(int from, int to) {
        PeerId target = nodes.get(to).id();
        return nodes.get(from).dht.lookup(target)
                .thenApply(result -> result.record().filter(record -> record.peer().equals(target)).isPresent());
    }

    private static double successes(List<CompletableFuture<Boolean>> pending) {
        long found = pending.stream().filter(lookup -> lookup.getNow(false)).count();
        return (double) found / pending.size();
    }
}
