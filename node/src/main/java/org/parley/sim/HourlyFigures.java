package org.parley.sim;

/**
 * What one virtual hour of a long run measured. A message counts in the hour it was published, a
 * lookup in the hour it was started.
 *
 * @param hour 0 for the first hour
 * @param nodesOnline nodes online at the end of the hour
 * @param nodesJoined nodes that had joined the network at least once by then
 * @param departures sessions that ended in the hour
 * @param returns nodes that came back in the hour
 * @param messages topic messages published
 * @param expectedDeliveries (message, subscriber) pairs that count: see {@link LongRun#DELIVERY_RULE}
 * @param delivered of those, the pairs where the subscriber got the message
 * @param deliveryRatio delivered / expected (1 when nothing was expected)
 * @param lookups lookups that count: their asker stayed online until they ended
 * @param lookupsFound of those, the lookups that found the target's record
 * @param lookupSuccess found / lookups (1 when none counted)
 * @param storedRecordsMean records of other peers each online node held for the DHT, on average, at the end of the hour
 * @param meanLinks links per online node at the end of the hour
 */
public record HourlyFigures(int hour, int nodesOnline, int nodesJoined, int departures, int returns, int messages,
                            long expectedDeliveries, long delivered, double deliveryRatio, int lookups,
                            int lookupsFound, double lookupSuccess, double storedRecordsMean, double meanLinks) {
}
