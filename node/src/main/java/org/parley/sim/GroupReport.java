package org.parley.sim;

import java.util.Locale;
import java.util.Map;

/**
 * What the group scenario measured; deterministic for a seed like {@link SimReport}. Every name
 * starts with "group", so that the JSON output can put these beside the overlay's figures.
 *
 * @param groupMembers members the group was meant to have (the admin included)
 * @param groupJoined members that had joined when the posts began
 * @param groupSetupSeconds virtual time from the group's creation until every member had joined and
 *                          every invitation, op and sender key was acknowledged (or the setup limit passed)
 * @param groupMessages posts made during the message phase
 * @param groupChurnedMembers members that went offline during the message phase and came back
 *                            (restarted from their database, with new links)
 * @param groupMissedWhileAway (member, post) pairs where the post was made while that member was
 *                             offline: what only back-fill can bring
 * @param groupMembersOnlineAtEnd members online when the run ended, over whom completeness is measured
 * @param groupCompleteness the smallest share of the posts held (stored in its log) by a member online at the end
 * @param groupCompletenessMean the same share, averaged over those members
 * @param groupRefusals posts and control messages the members refused since their last start, by
 *                      reason; among honest members two are expected, both counted and not scored:
 *                      {@code not-a-member} (a sender key or heads from a member whose add has not
 *                      reached us yet; sent again) and {@code replayed} (a post gossip brings again
 *                      after a restart emptied the router's memory of what it had seen)
 */
public record GroupReport(int groupMembers, int groupJoined, double groupSetupSeconds, int groupMessages,
                          int groupChurnedMembers, long groupMissedWhileAway, int groupMembersOnlineAtEnd,
                          double groupCompleteness, double groupCompletenessMean, Map<String, Long> groupRefusals) {
    public String toText() {
        return String.format(Locale.ROOT, """
                group members joined       %d of %d (setup %.0f s)
                group posts                %d
                group members churned      %d (%d posts missed while away)
                group completeness         %.4f (smallest share of posts held, over %d members online at the end)
                group completeness mean    %.4f
                group refusals             %s""",
                groupJoined, groupMembers, groupSetupSeconds, groupMessages, groupChurnedMembers, groupMissedWhileAway,
                groupCompleteness, groupMembersOnlineAtEnd, groupCompletenessMean,
                groupRefusals.isEmpty() ? "none" : groupRefusals);
    }
}
