package org.parley.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.HashMap;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** {@code parley sim --unreachable} reports hole punching and how links travel, the same for a seed. */
class SimPunchCliTest {
    private static final String[] KEYS = {"holePunchAttempts", "holePunchSucceeded", "holePunchSuccess",
        "relayedLinksOpened", "holePunchedLinksOpened", "holePunchedBetweenNats", "links", "directLinkShare",
        "relayedLinkShare", "holePunchedLinkShare"};

    @Test
    void wholeNodesBehindNatsReportTheirPunchesAndTheSameSeedPrintsTheSameJson() {
        String[] args = {"sim", "--nodes", "20", "--messages", "4", "--seed", "5", "--offline", "0.2",
            "--unreachable", "0.7", "--nat-mix", "ei=0.5,prc=0.5", "--json"};
        JsonObject first = run(args);
        for (String key : KEYS) {
            assertTrue(first.has(key), key + " in " + first);
        }
        double shares = first.get("directLinkShare").getAsDouble() + first.get("relayedLinkShare").getAsDouble()
                + first.get("holePunchedLinkShare").getAsDouble();
        assertEquals(1.0, shares, 1e-9, first.toString());
        JsonObject second = run(args);
        first.remove("wallSeconds");
        second.remove("wallSeconds");
        assertEquals(first, second, "the same seed prints the same figures");
    }

    private static JsonObject run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CliContext context = new CliContext(new HashMap<>(), question -> Optional.empty(), new PrintWriter(out, true),
                new PrintWriter(err, true));
        int exit = ParleyCli.execute(context, args);
        assertEquals(0, exit, err.toString());
        return JsonParser.parseString(out.toString()).getAsJsonObject();
    }
}
