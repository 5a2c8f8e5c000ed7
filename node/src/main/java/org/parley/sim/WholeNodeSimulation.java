package org.parley.sim;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import org.parley.node.NodeSettings;

/**
 * Offline delivery and a group, together on one {@link WholeNodeNetwork}: the same nodes carry
 * mail for away recipients and the group's posts, through the same churn. The group forms first
 * (invitations and keys need the members online); then the recipients of the offline scenario
 * (never members) go away, and from one moment on the messages (one every 200 ms) and the posts
 * (one every 500 ms) go out side by side, while the churning members and other nodes come and
 * go; the run ends when both scenarios have had their time to deliver and back-fill. Either
 * scenario may be absent. Deterministic for a seed.
 */
public final class WholeNodeSimulation {
    private final SimConfig config;
    private final OfflineDeliverySimulation offline;
    private final GroupSimulation group;
    private boolean ran;
    private UnaryOperator<NodeSettings> settings =
            UnaryOperator.identity();
    private long[] relayedBytesByNode;
    private PunchReport punchReport;

    /** {@code offline} or {@code group} may be null, not both. */
    public WholeNodeSimulation(SimConfig config, OfflineDeliverySimulation offline, GroupSimulation group) {
        if (offline == null && group == null) {
            throw new IllegalArgumentException("no scenario to run");
        }
        int ordinary = config.nodes() - WholeNodeNetwork.BOOTSTRAP_NODES;
        int taken = (offline == null ? 0 : offline.recipientCount()) + (group == null ? 0 : group.memberCount());
        if (offline != null && group != null && taken > ordinary) {
            throw new IllegalArgumentException("--offline and --group-members together need more nodes than "
                    + ordinary + " (" + WholeNodeNetwork.BOOTSTRAP_NODES + " nodes are neither away nor members)");
        }
        this.config = config;
        this.offline = offline;
        this.group = group;
    }

    /** What each scenario measured; null for the one that did not run. */
    public record Report(OfflineReport offline, GroupReport group) {
    }

    /** Bytes each node carried for others as a relay during the run, by node index (after {@link #run}). */
    public long[] relayedBytesByNode() {
        return relayedBytesByNode;
    }

    /** Hole punching during the run and the paths of the links open at its end (after {@link #run}). */
    public PunchReport punchReport() {
        return punchReport;
    }

    /**
     * Changes every node's settings from the daemon's defaults (call before {@link #run}): a
     * test's way to a network the command line does not offer, such as one where nobody relays.
     */
    WholeNodeSimulation withNodeSettings(UnaryOperator<NodeSettings> change) {
        this.settings = change;
        return this;
    }

    /** Runs once: the scenarios keep what they counted. */
    public Report run() {
        if (ran) {
            throw new IllegalStateException("a simulation runs once; make a new one");
        }
        ran = true;
        try (WholeNodeNetwork network = new WholeNodeNetwork(config, settings)) {
            if (offline != null) {
                offline.watch(network);
            }
            network.start();
            List<Integer> others = network.ordinaryNodes();
            List<Integer> churners = new ArrayList<>();
            if (group != null) {
                group.form(network, others);
                churners.addAll(group.pickChurningMembers());
            }
            if (offline != null) {
                offline.pickRecipients(others);
            }
            int nonMembers = config.nodes() - (group == null ? 0 : group.memberCount());
            churners.addAll(network.pick(others, (int) Math.round(config.churn() * nonMembers)));
            long phase = 0;
            long duration = 0;
            if (offline != null) {
                offline.sendRecipientsAway(churners);
                offline.schedule();
                phase = Math.max(phase, offline.awayMillis());
                duration = Math.max(duration, offline.durationMillis());
            }
            if (group != null) {
                group.schedule();
                phase = Math.max(phase, group.postsMillis());
                duration = Math.max(duration, group.durationMillis());
            }
            network.churn(churners, phase);
            network.clock.advance(Duration.ofMillis(duration));
            relayedBytesByNode = network.relayedBytesByNode();
            punchReport = network.punchReport();
            return new Report(offline == null ? null : offline.report(), group == null ? null : group.report());
        }
    }
}
