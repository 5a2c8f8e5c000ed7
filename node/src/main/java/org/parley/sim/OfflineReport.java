package org.parley.sim;

import java.util.List;
import java.util.Locale;

/**
 * What the offline-delivery scenario measured; deterministic for a seed like {@link SimReport}.
 *
 * @param offlineDeliveryRatio share of messages to away recipients that reached them after they came back
 * @param duplicateDeliveries messages a recipient's messenger added more than once (its dedupe
 *                            record drops repeated handovers, so the user sees each message once: 0)
 * @param relayedRatio share of messages the sender's messenger saw held by at least one replica
 * @param replicasOverTime mean live replicas per relayed message (envelopes held by online mailboxes
 *                         over messages seen relayed), sampled every 30 s from the first message
 *                         until the recipients return
 * @param storedBytesPerNodeMean mean bytes held for others per online node, when the recipients return
 * @param storedBytesPerNodeMax the most any node held then
 */
public record OfflineReport(int recipients, int messages, double offlineDeliveryRatio, long duplicateDeliveries,
                            double relayedRatio, List<Double> replicasOverTime, double storedBytesPerNodeMean,
                            long storedBytesPerNodeMax) {
    public String toText() {
        return String.format(Locale.ROOT, """
                offline recipients         %d
                offline messages           %d
                relayed ratio              %.4f
                offline delivery ratio     %.4f
                duplicate handovers        %d
                replicas over time         %s
                stored bytes mean / max    %.0f / %d""",
                recipients, messages, relayedRatio, offlineDeliveryRatio, duplicateDeliveries,
                replicasOverTime.stream().map(value -> String.format(Locale.ROOT, "%.2f", value)).toList(),
                storedBytesPerNodeMean, storedBytesPerNodeMax);
    }
}
