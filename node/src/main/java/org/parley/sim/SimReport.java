package org.parley.sim;

import java.util.Locale;

/**
 * What a run measured. Everything but {@code wallSeconds} follows from the configuration alone,
 * so one seed always gives the same report.
 *
 * @param deliveryRatio share of (message, subscriber) pairs delivered, over honest subscribers
 *                      online for the whole message phase
 * @param receptionsPerDelivery copies of a message such a subscriber received (duplicates
 *                              included) per message delivered to it
 * @param bytesPerNodePerMessage bytes every node sent during the message phase (all protocols),
 *                               per node and per message
 * @param lookupSuccess share of DHT lookups (by peer ID, from random honest nodes that stayed
 *                      online, of random nodes) that found the right record
 * @param forgeRecords whether the malicious nodes answered DHT requests with forged records
 * @param forgedAnswers how many such answers they sent (over the nodes online at the end)
 */
public record SimReport(int nodes, long seed, double churn, double loss, double malicious, int messages,
                        double deliveryRatio, double receptionsPerDelivery, double hopsP50, double hopsP99,
                        double latencyMsP50, double latencyMsP99, double latencyMsMax, int lookups,
                        double lookupSuccess, double lookupHopsP50, double lookupHopsP99, double meanLinks,
                        int minLinks, double bytesPerNodePerMessage, boolean forgeRecords, long forgedAnswers,
                        double wallSeconds) {

    /** The report as aligned lines, for people. */
    public String toText() {
        return String.format(Locale.ROOT, """
                nodes                      %d
                seed                       %d
                churn / loss / malicious   %.2f / %.2f / %.2f%s
                messages                   %d
                delivery ratio             %.4f
                receptions per delivery    %.3f
                hops p50 / p99             %.0f / %.0f
                latency ms p50 / p99 / max %.1f / %.1f / %.1f
                lookups                    %d
                lookup success             %.4f
                lookup hops p50 / p99      %.0f / %.0f
                links per node mean / min  %.1f / %d
                bytes per node per message %.0f
                wall seconds               %.1f""",
                nodes, seed, churn, loss, malicious,
                forgeRecords ? " (forging records: " + forgedAnswers + " forged answers)" : "", messages, deliveryRatio, receptionsPerDelivery, hopsP50, hopsP99,
                latencyMsP50, latencyMsP99, latencyMsMax, lookups, lookupSuccess, lookupHopsP50, lookupHopsP99, meanLinks, minLinks, bytesPerNodePerMessage, wallSeconds);
    }
}
