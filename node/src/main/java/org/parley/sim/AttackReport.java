package org.parley.sim;

import java.util.Locale;

/**
 * What one attack achieved. Everything but the wall times follows from the configuration alone,
 * so one seed always gives the same report. A figure a scenario does not measure is null.
 *
 * @param groundSybils Sybils whose IDs were ground near the victim's key (eclipse only)
 * @param groundPrefixBits bits each ground ID shares with the victim's key: one more than any
 *                         honest node's, so every ground Sybil is closer to the victim than every honest peer
 * @param grindAttempts key pairs made to find them
 * @param grindSeconds wall time that took
 * @param victimLinks the victim's links at the end
 * @param victimSybilLinkShare share of them to Sybils
 * @param honestSybilLinkShare share of all honest nodes' links that go to Sybils
 * @param honestWithoutHonestLink honest nodes with no link to another honest node at the end
 * @param largestHonestComponent honest nodes in the largest group joined by honest links at the
 *                               end: once Sybils drop, no message crosses between such groups
 * @param lookupsOfVictimSuccess share of lookups of the victim's record, from random honest
 *                               nodes, that found it
 * @param victimLookupSuccess share of the victim's own lookups of random honest nodes that found them
 * @param lookupSuccess share of lookups between random honest nodes that found the record
 * @param deliveryRatio share of (message, honest subscriber) pairs delivered, of the messages
 *                      honest nodes published while the attack ran (after the flash, for covert-flash)
 * @param deliveryBeforeFlash the same before the flash (covert-flash only)
 * @param mailSent mail honest senders sent the away victim (mail-spam only)
 * @param mailDelivered of it, what the victim's messenger took in after it returned
 * @param spamEnvelopes envelopes the Sybils handed to the victim's replicas
 */
public record AttackReport(String attack, int honest, int sybils, long seed, int messages, Integer groundSybils,
                           Integer groundPrefixBits, Long grindAttempts, Double grindSeconds, int victimLinks,
                           double victimSybilLinkShare, double honestSybilLinkShare, int honestWithoutHonestLink,
                           int largestHonestComponent, int lookupsOfVictim,
                           double lookupsOfVictimSuccess, int victimLookups, double victimLookupSuccess, int lookups,
                           double lookupSuccess, double deliveryRatio, Double deliveryBeforeFlash, Integer mailSent,
                           Integer mailDelivered, Long spamEnvelopes, double wallSeconds) {

    /** The report as aligned lines, for people. */
    public String toText() {
        StringBuilder text = new StringBuilder(String.format(Locale.ROOT, """
                attack                         %s
                honest nodes / sybils          %d / %d
                seed                           %d
                victim links (share to sybils) %d (%.3f)
                honest links to sybils         %.3f
                honest nodes, no honest link   %d (largest honest group %d)
                lookups of the victim          %d, success %.4f
                the victim's lookups           %d, success %.4f
                lookups between honest nodes   %d, success %.4f
                delivery to honest subscribers %.5f""", attack, honest, sybils, seed, victimLinks,
                victimSybilLinkShare, honestSybilLinkShare, honestWithoutHonestLink, largestHonestComponent,
                lookupsOfVictim, lookupsOfVictimSuccess, victimLookups,
                victimLookupSuccess, lookups, lookupSuccess, deliveryRatio));
        if (deliveryBeforeFlash != null) {
            text.append(String.format(Locale.ROOT, "%n  (before the flash             %.5f)", deliveryBeforeFlash));
        }
        if (groundSybils != null) {
            text.append(String.format(Locale.ROOT, "%nground sybils                  %d, %d bits, %d key pairs, %.1f s",
                    groundSybils, groundPrefixBits, grindAttempts, grindSeconds));
        }
        if (mailSent != null) {
            text.append(String.format(Locale.ROOT, "%nmail to the victim             %d of %d (spam envelopes %d)",
                    mailDelivered, mailSent, spamEnvelopes));
        }
        text.append(String.format(Locale.ROOT, "%nwall seconds                   %.1f", wallSeconds));
        return text.toString();
    }
}
