package org.parley.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** {@code parley sim --hours}: its options, its JSON with the hourly series, one seed one report. */
class SimLongRunCliTest {
    @Test
    void aLongRunPrintsHourlyFiguresAsJsonAndTheSameSeedPrintsTheSame() {
        String[] args = {"sim", "--nodes", "12", "--hours", "1", "--join-minutes", "5", "--sessions", "0.5,30",
            "--gaps", "0.5,10", "--bootstrap-churn", "--messages-per-hour", "6", "--lookups-per-hour", "6",
            "--seed", "4", "--json"};
        Run first = run(args);
        assertEquals(0, first.exit, first.err);
        assertTrue(first.err.contains("sim: hour 1 done"), "the hour is told as it ends: " + first.err);
        JsonObject report = JsonParser.parseString(first.out).getAsJsonObject();
        assertEquals(12, report.get("nodes").getAsInt());
        assertEquals(1, report.get("hours").getAsInt());
        assertTrue(report.get("bootstrapChurn").getAsBoolean());
        assertTrue(report.get("sessions").getAsString().startsWith("weibull shape 0.50 scale 30.0 min"),
                report.toString());
        for (String key : new String[] {"deliveryRatio", "lookupSuccess", "deliveryRule", "receptionsPerDelivery",
            "deliveryRatioWorstHour", "lookupSuccessWorstHour", "wallSeconds"}) {
            assertTrue(report.has(key), key);
        }
        JsonArray hourly = report.getAsJsonArray("hourly");
        assertEquals(1, hourly.size());
        JsonObject hour = hourly.get(0).getAsJsonObject();
        assertEquals(0, hour.get("hour").getAsInt());
        assertEquals(6, hour.get("messages").getAsInt(), hour.toString());
        assertTrue(hour.get("lookups").getAsInt() >= 5, hour.toString());
        for (String key : new String[] {"nodesOnline", "deliveryRatio", "lookupSuccess", "departures", "returns"}) {
            assertTrue(hour.has(key), key);
        }

        Run second = run(args);
        JsonObject again = JsonParser.parseString(second.out).getAsJsonObject();
        report.remove("wallSeconds");
        again.remove("wallSeconds");
        assertEquals(report, again, "the same seed prints the same figures");
    }

    @Test
    void impossibleLongRunsAreOneLineErrors() {
        String[][] mistakes = {
            {"sim", "--sessions", "0.5,60"}, {"sim", "--join-minutes", "5"}, {"sim", "--bootstrap-churn"},
            {"sim", "--hours", "0"}, {"sim", "--hours", "1000"}, {"sim", "--hours", "2", "--churn", "0.2"},
            {"sim", "--hours", "2", "--offline", "0.2"}, {"sim", "--hours", "2", "--group-messages", "5"}, {"sim", "--hours", "2", "--sessions", "0.5"},
            {"sim", "--hours", "2", "--sessions", "-1,60"}, {"sim", "--hours", "2", "--gaps", "0.5,30"},
            {"sim", "--hours", "1", "--join-minutes", "90"}, {"sim", "--hours", "1", "--join-minutes", "-1"},
            {"sim", "--hours", "1", "--bootstrap-churn"}, {"sim", "--hours", "1", "--messages-per-hour", "0"},
            {"sim", "--hours", "1", "--lookups-per-hour", "5000"},
        };
        for (String[] mistake : mistakes) {
            Run run = run(mistake);
            assertTrue(run.exit != 0, String.join(" ", mistake));
            assertEquals(1, run.err.strip().lines().count(), run.err);
            assertTrue(run.err.startsWith("parley: error: "), run.err);
        }
    }

    private record Run(int exit, String out, String err) {
    }

    private static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CliContext context = new CliContext(Map.of(), question -> Optional.empty(), new PrintWriter(out, true),
                new PrintWriter(err, true));
        int exit = ParleyCli.execute(context, args);
        return new Run(exit, out.toString(), err.toString());
    }
}
