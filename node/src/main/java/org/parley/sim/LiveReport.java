package org.parley.sim;

import java.util.List;
import java.util.Locale;

/**
 * Direct messages between online peers in the offline scenario, before the recipients go away:
 * each sender writes once to each of its recipients, and the message must reach the recipient's
 * messenger within {@code dmWindowSeconds} (looked up in the DHT, then a direct link or, to a peer
 * behind a NAT, a relayed one). Sent only in runs with NATs ({@code --unreachable}); otherwise
 * empty (no messages, ratio 1). Deterministic for a seed.
 *
 * @param dmMessages messages sent
 * @param dmDeliveryRatio share that reached their recipient in the window
 * @param dmDeliveredRelayed of those delivered, how many had a recipient or sender behind a NAT
 * @param dmMissed for each message that missed the window, what happened between its ends
 *                 ({@link LiveTrace}), one line each; empty when all arrived
 */
public record LiveReport(int dmMessages, double dmDeliveryRatio, int dmDeliveredRelayed, int dmWindowSeconds,
                         List<String> dmMissed) {
    public LiveReport {
        dmMissed = List.copyOf(dmMissed);
    }

    public String toText() {
        String figure = String.format(Locale.ROOT,
                "live DM delivery ratio     %.4f (%d messages, %d of them to or from a NATed peer; %d s)",
                dmDeliveryRatio, dmMessages, dmDeliveredRelayed, dmWindowSeconds);
        return dmMissed.isEmpty() ? figure : figure + "\nmissed live DMs:\n" + String.join("\n", dmMissed);
    }
}
