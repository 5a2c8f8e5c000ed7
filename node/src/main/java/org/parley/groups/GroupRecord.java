package org.parley.groups;

import java.util.Map;
import org.parley.identity.PeerId;

/**
 * A group as its member sees it.
 *
 * @param status {@code "invited"}, {@code "joined"}, {@code "left"} or {@code "removed"}
 * @param invitedBy who invited us; null for the creator
 * @param refused posts, ops and control messages refused in this group since the node started, by reason
 */
public record GroupRecord(GroupId id, String name, String status, PeerId invitedBy, int members, boolean admin,
                          long messages, Map<String, Long> refused) {
    public static final String INVITED = "invited";
    public static final String JOINED = "joined";
    public static final String LEFT = "left";
    public static final String REMOVED = "removed";
}
