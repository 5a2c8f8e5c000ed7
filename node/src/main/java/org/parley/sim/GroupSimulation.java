package org.parley.sim;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import org.parley.groups.GroupId;
import org.parley.groups.GroupMessageRecord;
import org.parley.groups.GroupRecord;
import org.parley.groups.Groups;
import org.parley.groups.Membership;
import org.parley.identity.Identity;
import org.parley.identity.PeerId;
import org.parley.link.DialTarget;
import org.parley.link.memory.InMemoryFabric;
import org.parley.link.memory.LinkConditions;
import org.parley.runtime.SeededRng;
import org.parley.runtime.VirtualScheduler;

/**
 * A group on the simulated network of whole nodes (the daemon's assembly: links, discovery, DHT,
 * gossip, messenger, groups, mailbox and peer reacher, each node on a database of its own behind
 * a {@link org.parley.store.SimulatedStorageQueue}), so posts a member misses can also wait in
 * other nodes' mailboxes. One member founds the group, invites the others, and each joins once its
 * invitation arrives; then members post while {@code churn} of the members and of the other nodes
 * leave and come back (a member restarts from its database, as a daemon does); last, the network
 * gets time to back-fill, and every member online at the end is asked which posts its log holds.
 * Deterministic for a seed.
 */
public final class GroupSimulation {
    public static final int DEFAULT_POSTS = 100;
    private static final long EPOCH_MILLIS = 1_767_225_600_000L;
    private static final int BOOTSTRAP_NODES = 4;
    private static final Duration SETTLE = Duration.ofSeconds(90);
    private static final Duration SETUP_STEP = Duration.ofSeconds(5);
    /** How long the invitations, joins and key hand-outs may take before the posts begin anyway. */
    private static final Duration SETUP_LIMIT = Duration.ofMinutes(30);
    private static final Duration BETWEEN_POSTS = Duration.ofMillis(500);
    /** After the last post: time for returning members to back-fill (heads go out every 2 s). */
    private static final Duration BACKFILL_TIME = Duration.ofMinutes(2);
    /** Long enough for a read or a write to commit on the simulated storage queue. */
    private static final Duration READ_TIME = Duration.ofSeconds(1);

    private final SimConfig config;
    private final int memberCount;
    private final int postCount;
    private final VirtualScheduler clock = new VirtualScheduler(EPOCH_MILLIS);
    private final SeededRng rng;
    private final SecureRandom keys;
    private final InMemoryFabric fabric;
    private final List<Identity> identities = new ArrayList<>();
    private final List<SimNode> nodes = new ArrayList<>();
    private final List<Member> members = new ArrayList<>();
    private final Set<Integer> offline = new HashSet<>();
    private final Set<Integer> churnedMembers = new HashSet<>();
    /** Every node's lasting parts, its database among them: all nodes are whole, so that any can hold mail. */
    private final List<SimProfile> profiles = new ArrayList<>();
    private long nodeSeeds;

    public GroupSimulation(SimConfig config, int memberCount, int postCount) {
        int most = Math.min(Membership.MAX_MEMBERS, config.nodes() - BOOTSTRAP_NODES);
        if (memberCount < 2 || memberCount > most) {
            throw new IllegalArgumentException("--group-members must be 2 to " + most
                    + " (at most " + Membership.MAX_MEMBERS + ", and " + BOOTSTRAP_NODES + " nodes are not members)");
        }
        if (postCount < 1) {
            throw new IllegalArgumentException("--group-messages must be positive");
        }
        this.config = config;
        this.memberCount = memberCount;
        this.postCount = postCount;
        this.rng = new SeededRng(config.seed() ^ 0x960bL);
        this.keys = Simulation.seededKeys(config.seed());
        this.fabric = new InMemoryFabric(LinkConditions.of(Duration.ofMillis(config.latencyMinMs()),
                Duration.ofMillis(config.latencyMaxMs()), config.loss(), new SeededRng(config.seed() ^ 0x5eed), clock));
        NatPlan.of(config, BOOTSTRAP_NODES).place(fabric);
    }

    /** A member: which node it is; its groups are those of that node's current incarnation. */
    private final class Member {
        final int node;

        Member(int node) {
            this.node = node;
        }

        PeerId id() {
            return identities.get(node).peerId();
        }

        Groups groups() {
            return nodes.get(node).node.groups();
        }
    }

    /** Bytes each node carried for others as a relay during the run, by node index (after {@link #run}). */
    public long[] relayedBytesByNode() {
        return NatPlan.of(config, BOOTSTRAP_NODES).relayedBytes(fabric);
    }

    public GroupReport run() {
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

    private GroupReport runIn() {
        List<Integer> candidates = new ArrayList<>();
        for (int i = BOOTSTRAP_NODES; i < config.nodes(); i++) {
            candidates.add(i);
        }
        Set<Integer> memberNodes = new HashSet<>(pick(candidates, memberCount));
        for (int i = 0; i < config.nodes(); i++) {
            Identity identity = Identity.generate("node" + i, keys);
            identities.add(identity);
            profiles.add(SimProfile.of(identity, config.seed() * 31 + i));
            nodes.add(null);
        }
        for (int i = 0; i < config.nodes(); i++) {
            if (memberNodes.contains(i)) {
                members.add(new Member(i));
            }
            incarnate(i);
            if (i > 0) {
                SimNode bootstrap = nodes.get((int) rng.nextLong(Math.min(i, BOOTSTRAP_NODES)));
                nodes.get(i).links.keepLinkTo(DialTarget.peerAt(bootstrap.id(), bootstrap.address));
            }
        }
        clock.advance(SETTLE);

        long setupStarted = clock.nowMillis();
        GroupId group = formGroup();
        double setupSeconds = (clock.nowMillis() - setupStarted) / 1000.0;
        int joined = (int) members.stream().filter(member -> joined(member, group)).count();

        scheduleChurn(candidates);
        Set<String> posted = new HashSet<>();
        long missedWhileAway = 0;
        List<Set<Integer>> awayAtPost = new ArrayList<>();
        for (int m = 0; m < postCount; m++) {
            Member poster = onlineMember(group);
            poster.groups().send(group, "post " + m + " from node " + poster.node)
                    .thenAccept(record -> posted.add(record.entryId()));
            Set<Integer> away = new HashSet<>();
            members.stream().filter(member -> offline.contains(member.node)).forEach(member -> away.add(member.node));
            awayAtPost.add(away);
            clock.advance(BETWEEN_POSTS);
        }
        clock.advance(BACKFILL_TIME);
        for (Set<Integer> away : awayAtPost) {
            missedWhileAway += away.stream().filter(node -> !offline.contains(node)).count();
        }
        return report(group, joined, setupSeconds, posted, missedWhileAway);
    }

    /**
     * The first member founds the group and invites the others; each joins once its invitation
     * has arrived. Done when every member has joined and no invitation, op or key waits for its
     * acknowledgement, or when the setup limit passes.
     */
    private GroupId formGroup() {
        Member admin = members.get(0);
        List<GroupRecord> created = new ArrayList<>();
        admin.groups().create("simulated").thenAccept(created::add);
        clock.advance(READ_TIME);
        GroupId group = created.get(0).id();
        for (Member member : members.subList(1, members.size())) {
            admin.groups().invite(group, member.id(), false);
        }
        long deadline = clock.nowMillis() + SETUP_LIMIT.toMillis();
        while (clock.nowMillis() < deadline) {
            clock.advance(SETUP_STEP);
            for (Member member : members) {
                if (member.groups().groups().stream().anyMatch(record -> record.id().equals(group)
                        && record.status().equals(GroupRecord.INVITED))) {
                    member.groups().join(group);
                }
            }
            boolean settled = members.stream().allMatch(member -> joined(member, group)
                    && member.groups().waitingPeers().isEmpty());
            if (settled) {
                break;
            }
        }
        return group;
    }

    private static boolean joined(Member member, GroupId group) {
        return member.groups().groups().stream()
                .anyMatch(record -> record.id().equals(group) && record.status().equals(GroupRecord.JOINED));
    }

    private Member onlineMember(GroupId group) {
        while (true) {
            Member member = members.get((int) rng.nextLong(members.size()));
            if (!offline.contains(member.node) && joined(member, group)) {
                return member;
            }
        }
    }

    private List<Integer> pick(List<Integer> from, int count) {
        List<Integer> picked = new ArrayList<>();
        for (int n = 0; n < count && !from.isEmpty(); n++) {
            picked.add(from.remove((int) rng.nextLong(from.size())));
        }
        return picked;
    }

    /**
     * A {@code churn} share of the members, and of the other nodes, leave at a random moment of
     * the message phase and come back 5-30 s later through a few peers they were linked to. One
     * member always stays, so that someone is there to post.
     */
    private void scheduleChurn(List<Integer> nonMembers) {
        List<Integer> memberNodes = new ArrayList<>(members.stream().map(member -> member.node).toList());
        List<Integer> churners = new ArrayList<>(pick(memberNodes,
                (int) Math.min(members.size() - 1, Math.round(config.churn() * members.size()))));
        churners.forEach(churnedMembers::add);
        churners.addAll(pick(nonMembers, (int) Math.round(config.churn() * nonMembers.size())));
        long phaseMillis = BETWEEN_POSTS.toMillis() * postCount;
        for (int index : churners) {
            Churn.schedule(clock, rng, phaseMillis, index, nodes::get, this::leave, this::rejoin);
        }
    }

    private void leave(int index) {
        offline.add(index);
        nodes.get(index).stop();
    }

    private void rejoin(int index, List<PeerId> remembered) {
        Churn.redial(incarnate(index), remembered, nodes);
    }

    /** Starts a node from its profile's database, as a daemon starts (or restarts). */
    private SimNode incarnate(int index) {
        SimNode node = SimNode.whole(profiles.get(index), Simulation.addressOf(index), fabric, clock, nextNodeSeed());
        node.start();
        nodes.set(index, node);
        offline.remove(index);
        return node;
    }

    private long nextNodeSeed() {
        return config.seed() * 1_000_003 + nodeSeeds++ * 7;
    }

    private GroupReport report(GroupId group, int joined, double setupSeconds, Set<String> posted,
                               long missedWhileAway) {
        double smallest = 1;
        double sum = 0;
        int online = 0;
        Map<String, Long> refusals = new TreeMap<>();
        Map<Member, CompletableFuture<List<GroupMessageRecord>>> histories = new LinkedHashMap<>();
        for (Member member : members) {
            member.groups().refusedIn(group).forEach((reason, count) -> refusals.merge(reason, count, Long::sum));
            if (!offline.contains(member.node)) {
                histories.put(member, member.groups().history(group, posted.size() + 1, Optional.empty()));
            }
        }
        clock.advance(READ_TIME);
        for (CompletableFuture<List<GroupMessageRecord>> history : histories.values()) {
            online++;
            List<GroupMessageRecord> held = history.join();
            long holds = held.stream().filter(record -> posted.contains(record.entryId())).count();
            double share = posted.isEmpty() ? 1 : (double) holds / posted.size();
            smallest = Math.min(smallest, share);
            sum += share;
        }
        return new GroupReport(members.size(), joined, setupSeconds, posted.size(), churnedMembers.size(),
                missedWhileAway, online, smallest, online == 0 ? 0 : sum / online, refusals);
    }
}
