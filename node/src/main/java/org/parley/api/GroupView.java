package org.parley.api;

import java.util.Map;

/**
 * A group as scripts and the terminal client see it.
 *
 * @param status {@code "invited"} (an invitation not yet accepted), {@code "joined"}, {@code "left"}
 *     or {@code "removed"}
 * @param invitedBy the peer ID of who invited us; null for the creator
 * @param members how many members the group's membership ops yield
 * @param messages entries this node holds in the group log
 * @param refused posts, ops and control messages refused in the group since the daemon started, by reason
 */
public record GroupView(String groupId, String name, String status, String invitedBy, int members, boolean admin,
                        long messages, Map<String, Long> refused) {
}
