package org.parley.sim;

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

/**
 * A group on a {@link WholeNodeNetwork}, so posts a member misses can also wait in other nodes'
 * mailboxes. One member founds the group, invites the others, and each joins once its invitation
 * arrives; then members post while churning members and other nodes leave and come back (a
 * member restarts from its database, as a daemon does); last, the network gets time to
 * back-fill, and every member online at the end is asked which posts its log holds. Runs alone
 * ({@link #run()}) or beside offline delivery on the same nodes ({@link WholeNodeSimulation}).
 * Deterministic for a seed.
 */
public final class GroupSimulation {
    public static final int DEFAULT_POSTS = 100;
    private static final Duration SETUP_STEP = Duration.ofSeconds(5);
    /** How long the invitations, joins and key hand-outs may take before the posts begin anyway. */
    static final Duration SETUP_LIMIT = Duration.ofMinutes(30);
    private static final Duration BETWEEN_POSTS = Duration.ofMillis(500);
    /** After the last post: time for returning members to back-fill (heads go out every 2 s). */
    private static final Duration BACKFILL_TIME = Duration.ofMinutes(2);
    /** Long enough for a read or a write to commit on the simulated storage queue. */
    private static final Duration READ_TIME = Duration.ofSeconds(1);

    private final SimConfig config;
    private final int memberCount;
    private final int postCount;
    private WholeNodeNetwork network;
    private final List<Integer> members = new ArrayList<>();
    private final Set<Integer> churnedMembers = new HashSet<>();
    private GroupId group;
    private int joined;
    private double setupSeconds;
    private final Set<String> posted = new HashSet<>();
    /** Per post: the members away when it was made. */
    private final List<Set<Integer>> awayAtPost = new ArrayList<>();

    public GroupSimulation(SimConfig config, int memberCount, int postCount) {
        int most = Math.min(Membership.MAX_MEMBERS, config.nodes() - WholeNodeNetwork.BOOTSTRAP_NODES);
        if (memberCount < 2 || memberCount > most) {
            throw new IllegalArgumentException("--group-members must be 2 to " + most + " (at most "
                    + Membership.MAX_MEMBERS + ", and " + WholeNodeNetwork.BOOTSTRAP_NODES + " nodes are not members)");
        }
        if (postCount < 1) {
            throw new IllegalArgumentException("--group-messages must be positive");
        }
        this.config = config;
        this.memberCount = memberCount;
        this.postCount = postCount;
    }

    /** This scenario alone on a network of its own. */
    public GroupReport run() {
        return new WholeNodeSimulation(config, null, this).run().group();
    }

    int memberCount() {
        return memberCount;
    }

    private Groups groups(int member) {
        return network.node(member).node.groups();
    }

    /**
     * Takes the members out of {@code candidates}; the first founds the group and invites the
     * others, each joins once its invitation has arrived. Done when every member has joined and
     * no invitation, op or key waits for its acknowledgement, or when the setup limit passes.
     */
    void form(WholeNodeNetwork on, List<Integer> candidates) {
        this.network = on;
        members.addAll(network.pick(candidates, memberCount));
        long setupStarted = network.clock.nowMillis();
        int admin = members.get(0);
        List<GroupRecord> created = new ArrayList<>();
        groups(admin).create("simulated").thenAccept(created::add);
        network.clock.advance(READ_TIME);
        group = created.get(0).id();
        for (int member : members.subList(1, members.size())) {
            groups(admin).invite(group, network.id(member), false);
        }
        long deadline = network.clock.nowMillis() + SETUP_LIMIT.toMillis();
        while (network.clock.nowMillis() < deadline) {
            network.clock.advance(SETUP_STEP);
            for (int member : members) {
                if (groups(member).groups().stream().anyMatch(record -> record.id().equals(group)
                        && record.status().equals(GroupRecord.INVITED))) {
                    groups(member).join(group);
                }
            }
            // Not the group layer's waiting peers: those also name a member it wants a link to,
            // which it always does while no other member is linked (behind NATs with no relay).
            boolean settled = members.stream().allMatch(member -> joined(member)
                    && members.stream().noneMatch(other -> groups(member).controlWaitsFor(network.id(other))));
            if (settled) {
                break;
            }
        }
        setupSeconds = (network.clock.nowMillis() - setupStarted) / 1000.0;
        joined = (int) members.stream().filter(this::joined).count();
    }

    /** A {@code churn} share of the members, one always staying so that someone is there to post. */
    List<Integer> pickChurningMembers() {
        List<Integer> candidates = new ArrayList<>(members);
        List<Integer> churners = network.pick(candidates,
                (int) Math.min(members.size() - 1, Math.round(config.churn() * members.size())));
        churnedMembers.addAll(churners);
        return churners;
    }

    /** Virtual time from the first post until the scenario can be measured. */
    long durationMillis() {
        return postsMillis() + BACKFILL_TIME.toMillis();
    }

    long postsMillis() {
        return BETWEEN_POSTS.toMillis() * postCount;
    }

    /** Schedules, from now, one post every 500 ms from a random member online at the time. */
    void schedule() {
        for (int m = 0; m < postCount; m++) {
            int number = m;
            network.clock.schedule(BETWEEN_POSTS.multipliedBy(m), () -> post(number));
        }
    }

    private void post(int number) {
        int poster = onlineMember();
        groups(poster).send(group, "post " + number + " from node " + poster)
                .thenAccept(record -> posted.add(record.entryId()));
        Set<Integer> away = new HashSet<>();
        members.stream().filter(member -> !network.isOnline(member)).forEach(away::add);
        awayAtPost.add(away);
    }

    private boolean joined(int member) {
        return groups(member).groups().stream()
                .anyMatch(record -> record.id().equals(group) && record.status().equals(GroupRecord.JOINED));
    }

    private int onlineMember() {
        while (true) {
            int member = members.get((int) network.rng.nextLong(members.size()));
            if (network.isOnline(member) && joined(member)) {
                return member;
            }
        }
    }

    GroupReport report() {
        long missedWhileAway = 0;
        for (Set<Integer> away : awayAtPost) {
            missedWhileAway += away.stream().filter(network::isOnline).count();
        }
        double smallest = 1;
        double sum = 0;
        int online = 0;
        Map<String, Long> refusals = new TreeMap<>();
        Map<Integer, CompletableFuture<List<GroupMessageRecord>>> histories = new LinkedHashMap<>();
        for (int member : members) {
            groups(member).refusedIn(group).forEach((reason, count) -> refusals.merge(reason, count, Long::sum));
            if (network.isOnline(member)) {
                histories.put(member, groups(member).history(group, posted.size() + 1, Optional.empty()));
            }
        }
        network.clock.advance(READ_TIME);
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
