package org.parley.cli;

import java.util.concurrent.Callable;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import org.parley.sim.OfflineDeliverySimulation;
import org.parley.sim.OfflineReport;
import org.parley.sim.SimConfig;
import org.parley.sim.SimReport;
import org.parley.sim.Simulation;
import picocli.CommandLine.Command;
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
            description = "Also run offline delivery: this share of nodes goes away, is sent mail held by replicas "
                    + "while --churn of the others come and go, and comes back to pick it up, 0-1.")
    double offline;

    @Option(names = "--json", description = "Print one JSON object.")
    boolean json;

    @Override
    public Integer call() throws CliException {
        int[] range = latencyRange();
        SimConfig config;
        try {
            config = new SimConfig(nodes, seed, churn, loss, range[0], range[1], malicious, messages, partitionSeconds);
        } catch (IllegalArgumentException e) {
            throw new CliException(e.getMessage(), e);
        }
        OfflineDeliverySimulation offlineRun = null;
        if (offline != 0) {
            try {
                offlineRun = new OfflineDeliverySimulation(config, offline);
            } catch (IllegalArgumentException e) {
                throw new CliException(e.getMessage(), e);
            }
        }
        SimReport report = new Simulation(config).run();
        OfflineReport offlineReport = offlineRun == null ? null : offlineRun.run();
        if (!json) {
            cli.context().out().println(report.toText());
            if (offlineReport != null) {
                cli.context().out().println(offlineReport.toText());
            }
        } else if (offlineReport == null) {
            cli.context().out().println(Json.of(report));
        } else {
            JsonObject merged = JsonParser.parseString(Json.of(report)).getAsJsonObject();
            JsonParser.parseString(Json.of(offlineReport)).getAsJsonObject().entrySet()
                    .forEach(entry -> merged.add(entry.getKey(), entry.getValue()));
            cli.context().out().println(Json.of(merged));
        }
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
        throw new CliException("--latency-ms must be A-B in whole milliseconds, like 10-100, not '" + latency + "'");
    }
}
