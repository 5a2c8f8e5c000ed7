package org.parley.cli;

import java.util.concurrent.Callable;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.util.List;
import java.util.Optional;
import org.parley.sim.AttackConfig;
import org.parley.sim.AttackKind;
import org.parley.sim.AttackReport;
import org.parley.sim.AttackSimulation;
import org.parley.sim.GroupReport;
import org.parley.sim.GroupSimulation;
import org.parley.sim.LongRun;
import org.parley.sim.LongRunConfig;
import org.parley.sim.LongRunReport;
import org.parley.sim.OfflineDeliverySimulation;
import org.parley.sim.NatMix;
import org.parley.sim.OfflineReport;
import org.parley.sim.PunchReport;
import org.parley.sim.RelayLoad;
import org.parley.sim.SimConfig;
import org.parley.sim.SimReport;
import org.parley.sim.Simulation;
import org.parley.sim.WholeNodeSimulation;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

@Command(name = "sim", mixinStandardHelpOptions = true,
        description = {"Run the real overlay code of many nodes on a simulated network with a virtual clock.",
                "The same seed prints the same figures (all but the wall time)."})
final class SimCommand implements Callable<Integer> {
    @ParentCommand
    ParleyCli cli;

    @Option(names = "--nodes", defaultValue = "1000", description = "Nodes in the network (default: ${DEFAULT-VALUE}).")
    int nodes;

    @Option(names = "--seed", defaultValue = "1", description = "Seed of everything random (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--churn", defaultValue = "0", description = "Share of nodes that leave and come back, 0-1.")
    double churn;

    @Option(names = "--loss", defaultValue = "0", description = "Probability that a frame is lost, 0-1.")
    double loss;

    @Option(names = "--latency-ms", defaultValue = "10-100", paramLabel = "A-B",
            description = "One-way link latency range in ms (default: ${DEFAULT-VALUE}).")
    String latency;

    @Option(names = "--malicious", defaultValue = "0",
            description = "Share of nodes that join meshes, relay nothing and leave DHT requests unanswered, 0-1.")
    double malicious;

    @Option(names = "--messages", defaultValue = "100", description = "Topic messages to publish (default: ${DEFAULT-VALUE}).")
    int messages;

    @Option(names = "--partition-seconds", defaultValue = "0",
            description = "Before the messages, cut the network in two halves for this long, then mend it.")
    int partitionSeconds;

    @Option(names = "--offline", defaultValue = "0", paramLabel = "SHARE",
            description = "Also run offline delivery on whole nodes: this share of nodes goes away, is sent mail held "
                    + "by replicas while --churn of the others come and go, and comes back to pick it up, 0-1.")
    double offline;

    @Option(names = "--group-members", defaultValue = "0", paramLabel = "M",
            description = "Also run a group on whole nodes (with --offline, on the same nodes in one run): M of the "
                    + "nodes form a group, post while --churn of them (and of the other nodes) come and go, and "
                    + "back-fill what they missed (2-256).")
    int groupMembers;

    @Option(names = "--group-messages", paramLabel = "X",
            description = "Posts in the group scenario, one every 500 ms (default: " + GroupSimulation.DEFAULT_POSTS
                    + ").")
    Integer groupMessages;

    @Option(names = "--forge-records",
            description = "The malicious nodes answer DHT requests with forged records instead of not at all.")
    boolean forgeRecords;

    @Option(names = "--unreachable", defaultValue = "0", paramLabel = "SHARE",
            description = "Share of nodes behind a NAT, 0-1: they dial out, nobody dials them; peers reach them "
                    + "through relays, and they take part in the DHT as clients only.")
    double unreachable;

    @Option(names = "--nat-mix", paramLabel = "ei=A,ad=B,sym=C[,rc=D,prc=E]",
            description = "NAT types among the --unreachable nodes: endpoint-independent (full cone), "
                    + "address-dependent, symmetric, restricted cone, port-restricted cone; they decide whether "
                    + "hole punching between two of them succeeds (default: " + "ei=0.4,ad=0.3,sym=0.3" + ").")
    String natMix;

    @Option(names = "--attack", paramLabel = "KIND",
            description = {"Run an attack instead: eclipse, sybil-flood, covert-flash or mail-spam. --nodes honest "
                    + "nodes meet --sybils colluding Sybils (real nodes with valid records); the report says what "
                    + "the attack achieved. Takes --nodes, --sybils, --seed, --messages, --latency-ms."})
    String attack;

    @Option(names = "--sybils", paramLabel = "N",
            description = "With --attack: how many Sybil nodes (a count; 4000 against --nodes 1000 is the "
                    + "GossipSub v1.1 evaluation's setting).")
    Integer sybils;

    @Option(names = "--json", description = "Print one JSON object.")
    boolean json;

    @Mixin
    LongRunOptions longRun;

    @Override
    public Integer call() throws CliException {
        int[] range = latencyRange();
        if (attack != null || sybils != null) {
            return runAttack(range);
        }
        SimConfig config;
        try {
            if (natMix != null && unreachable == 0) {
                throw new IllegalArgumentException("--nat-mix needs --unreachable");
            }
            config = SimConfig.builder().nodes(nodes).seed(seed).churn(churn).loss(loss).latencyMs(range[0], range[1])
                    .malicious(malicious).messages(messages).partitionSeconds(partitionSeconds)
                    .forgeRecords(forgeRecords).unreachable(unreachable)
                    .natMix(natMix == null ? NatMix.DEFAULT : NatMix.parse(natMix)).build();
        } catch (IllegalArgumentException e) {
            throw CliException.usage(e.getMessage(), e);
        }
        Optional<LongRunConfig> longRunConfig = longRunConfig();
        if (longRunConfig.isPresent()) {
            return runLong(config, longRunConfig.get());
        }
        OfflineDeliverySimulation offlineRun = null;
        if (offline != 0) {
            try {
                offlineRun = new OfflineDeliverySimulation(config, offline);
            } catch (IllegalArgumentException e) {
                throw CliException.usage(e.getMessage(), e);
            }
        }
        GroupSimulation groupRun = null;
        if (groupMembers == 0 && groupMessages != null) {
            throw CliException.usage("--group-messages needs --group-members");
        }
        if (groupMembers != 0) {
            try {
                groupRun = new GroupSimulation(config, groupMembers,
                        groupMessages == null ? GroupSimulation.DEFAULT_POSTS : groupMessages);
            } catch (IllegalArgumentException e) {
                throw CliException.usage(e.getMessage(), e);
            }
        }
        WholeNodeSimulation wholeNodeRun = null;
        if (offlineRun != null || groupRun != null) {
            try {
                wholeNodeRun = new WholeNodeSimulation(config, offlineRun, groupRun);
            } catch (IllegalArgumentException e) {
                throw CliException.usage(e.getMessage(), e);
            }
        }
        SimReport report = new Simulation(config).run();
        // Offline delivery and the group run together, on one network of whole nodes.
        WholeNodeSimulation.Report wholeNodes = wholeNodeRun == null ? null : wholeNodeRun.run();
        OfflineReport offlineReport = wholeNodes == null ? null : wholeNodes.offline();
        GroupReport groupReport = wholeNodes == null ? null : wholeNodes.group();
        // One network carried both scenarios: what its relays carried counts once.
        List<long[]> relayed = wholeNodeRun == null ? List.of() : List.of(wholeNodeRun.relayedBytesByNode());
        RelayLoad relayLoad = RelayLoad.of(config, relayed);
        // Only whole nodes relay and punch: reported for their run, when some nodes sit behind NATs.
        PunchReport punches = wholeNodeRun == null || config.unreachable() == 0 ? null : wholeNodeRun.punchReport();
        if (!json) {
            cli.context().out().println(report.toText());
            if (offlineReport != null) {
                cli.context().out().println(offlineReport.toText());
                cli.context().out().println(offlineRun.liveReport().toText());
            }
            if (groupReport != null) {
                cli.context().out().println(groupReport.toText());
            }
            cli.context().out().println(relayLoad.toText());
            if (punches != null) {
                cli.context().out().println(punches.toText());
            }
            return 0;
        }
        // One object: the overlay's figures, and those of each extra scenario that ran beside them.
        JsonObject merged = JsonParser.parseString(Json.of(report)).getAsJsonObject();
        merged.addProperty("unreachable", config.unreachable());
        Object liveReport = offlineRun == null ? null : offlineRun.liveReport();
        for (Object extra : new Object[] {offlineReport, liveReport, groupReport, relayLoad, punches}) {
            if (extra != null) {
                JsonParser.parseString(Json.of(extra)).getAsJsonObject().entrySet()
                        .forEach(entry -> merged.add(entry.getKey(), entry.getValue()));
            }
        }
        cli.context().out().println(Json.of(merged));
        return 0;
    }

    private Optional<LongRunConfig> longRunConfig() throws CliException {
        try {
            Optional<LongRunConfig> chosen = longRun.config();
            if (chosen.isPresent() && (churn != 0 || offline != 0 || groupMembers != 0 || groupMessages != null
                    || partitionSeconds != 0)) {
                throw new IllegalArgumentException("--hours runs the long-run scenario alone: it takes no --churn "
                        + "(see --sessions), --offline, --group-members or --partition-seconds");
            }
            return chosen;
        } catch (IllegalArgumentException e) {
            throw CliException.usage(e.getMessage(), e);
        }
    }

    /** The long run alone; each hour's figures go to standard error as the hour ends. */
    private int runLong(SimConfig config, LongRunConfig longRunConfig) {
        LongRunReport report = new LongRun(config, longRunConfig, hour -> cli.context().err().printf(
                java.util.Locale.ROOT, "sim: hour %d done: %d online, delivery %.5f, lookups %.5f (so far)%n",
                hour.hour() + 1, hour.nodesOnline(), hour.deliveryRatio(), hour.lookupSuccess())).run();
        cli.context().out().println(json ? Json.of(report) : report.toText());
        return 0;
    }

    private int runAttack(int[] range) throws CliException {
        if (attack == null || sybils == null) {
            throw CliException.usage("--attack and --sybils go together");
        }
        if (churn != 0 || loss != 0 || malicious != 0 || partitionSeconds != 0 || offline != 0 || groupMembers != 0
                || groupMessages != null || forgeRecords || unreachable != 0 || natMix != null || longRun.hours != null) {
            throw CliException.usage("--attack takes --nodes, --sybils, --seed, --messages and --latency-ms only");
        }
        AttackConfig config;
        try {
            config = new AttackConfig(AttackKind.parse(attack), nodes, sybils, seed, messages, range[0], range[1]);
        } catch (IllegalArgumentException e) {
            throw CliException.usage(e.getMessage(), e);
        }
        AttackReport report = new AttackSimulation(config).run();
        cli.context().out().println(json ? Json.of(report) : report.toText());
        return 0;
    }

    private int[] latencyRange() throws CliException {
        String[] parts = latency.split("-", -1);
        try {
            if (parts.length == 2) {
                return new int[] {Integer.parseInt(parts[0].strip()), Integer.parseInt(parts[1].strip())};
            }
        } catch (NumberFormatException e) {
            // reported below, like any other shape
        }
        throw CliException.usage("--latency-ms must be A-B in whole milliseconds, like 10-100, not '" + latency + "'");
    }
}
