package org.parley.sim;

import java.util.Locale;

/**
 * What the group scenario measured; deterministic for a seed like {@link SimReport}.
 *
 * @param members members the group was meant to have (the admin included)
 * @param joined members that had joined when the posts began
 * @param setupSeconds virtual time from the group's creation until every member had joined and every
 *                     invitation and sender key was acknowledged (or the setup limit passed)
 * @param messages posts made during the message phase
 * @param churnedMembers members that went offline during the message phase and came back (restarted
 *                       from their database, with new links)
 * @param missedWhileAway (member, post) pairs where the post was made while that member was offline:
 *                        what only back-fill can bring
 * @param membersOnlineAtEnd members online when the run ended, over whom completeness is measured
 * @param groupCompleteness the smallest share of the posts held (stored in its log) by a member online at the end
 * @param meanCompleteness the same share, averaged over those members
 * @param refusals posts and control messages the members refused (all reasons), which honest members never cause
 */
public record GroupReport(int members, int joined, double setupSeconds, int messages, int churnedMembers,
                          long missedWhileAway, int membersOnlineAtEnd, double groupCompleteness,
                          double meanCompleteness, long refusals) {
    public String toText() {
        return String.format(Locale.ROOT, """
                group members joined       %d of %d (setup %.0f s)
                group posts                %d
                members churned            %d (%d posts missed while away)
                group completeness         %.4f (smallest share of posts held, over %d members online at the end)
                group completeness mean    %.4f
                group refusals             %d""",
                joined, members, setupSeconds, messages, churnedMembers, missedWhileAway, groupCompleteness,
                membersOnlineAtEnd, meanCompleteness, refusals);
    }
}
