package org.parley.sim;

import java.util.List;
import java.util.Locale;

/**
 * What a long run measured, hour by hour and overall. Everything but {@code wallSeconds} follows
 * from the configuration alone, so one seed always gives the same report.
 *
 * @param sessions the session length distribution ("none": nodes stay once they joined)
 * @param offline the distribution of the gaps between sessions ("none" likewise)
 * @param deliveryRule which (message, subscriber) pairs the delivery figures count
 * @param deliveryRatio over the whole run
 * @param receptionsPerDelivery copies of a message a counted subscriber received (duplicates included)
 *                              per message delivered to it
 * @param lookupSuccess over the whole run
 * @param deliveryRatioWorstHour the lowest hourly delivery ratio
 * @param lookupSuccessWorstHour the lowest hourly lookup success
 * @param hourly the figures of each virtual hour
 */
public record LongRunReport(int nodes, long seed, int hours, double joinMinutes, String sessions, String offline,
                            boolean bootstrapChurn, double malicious, double loss, int messagesPerHour,
                            int lookupsPerHour, String deliveryRule, int messages, long expectedDeliveries,
                            long delivered, double deliveryRatio, double receptionsPerDelivery, int lookups,
                            int lookupsFound, double lookupSuccess, double deliveryRatioWorstHour,
                            double lookupSuccessWorstHour, List<HourlyFigures> hourly, double wallSeconds) {

    /** The report as aligned lines and one line per hour, for people. */
    public String toText() {
        StringBuilder text = new StringBuilder(String.format(Locale.ROOT, """
                nodes                      %d
                seed                       %d
                hours / join minutes       %d / %.0f
                sessions / offline         %s / %s%s
                malicious / loss           %.2f / %.2f
                delivery counts            %s
                messages                   %d
                delivery ratio             %.5f (worst hour %.5f)
                receptions per delivery    %.3f
                lookups                    %d
                lookup success             %.5f (worst hour %.5f)
                wall seconds               %.1f
                hour  online  joined  left  back  delivery  lookups  stored  links
                """, nodes, seed, hours, joinMinutes, sessions, offline,
                bootstrapChurn ? " (bootstrap nodes too)" : "", malicious, loss, deliveryRule, messages,
                deliveryRatio, deliveryRatioWorstHour, receptionsPerDelivery, lookups, lookupSuccess,
                lookupSuccessWorstHour, wallSeconds));
        for (HourlyFigures hour : hourly) {
            text.append(String.format(Locale.ROOT, "%4d  %6d  %6d  %4d  %4d  %8.5f  %7.5f  %6.1f  %5.1f%n",
                    hour.hour(), hour.nodesOnline(), hour.nodesJoined(), hour.departures(), hour.returns(),
                    hour.deliveryRatio(), hour.lookupSuccess(), hour.storedRecordsMean(), hour.meanLinks()));
        }
        return text.toString().stripTrailing();
    }
}
