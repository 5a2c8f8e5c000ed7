package org.parley.groups;

import com.google.protobuf.ByteString;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.parley.identity.PeerId;

/** Everything a member holds in memory about one group. Confined to the node's loop. */
final class GroupState {
    /** A post whose sender key has not reached us yet, held for a while (its signature checked already). */
    record PendingPost(CheckedPost post, ByteString keyId, long receivedAtMillis, PeerId via) {
    }

    final GroupId id;
    final String topic;
    final String name;
    String status;
    final PeerId invitedBy;
    final long createdMillis;
    final Map<ByteString, MembershipOp> ops = new LinkedHashMap<>();
    Membership membership;
    /** Our current sender key; null unless joined. */
    SenderKey ownKey;
    final Map<ByteString, SenderKey> keys = new LinkedHashMap<>();
    final Map<ByteString, PeerId> keyOwners = new LinkedHashMap<>();
    final GroupLog log = new GroupLog();
    /** Entries of the log that carry a reaction, edit or deletion: not messages, so not counted as such. */
    final Set<ByteString> actionEntries = new HashSet<>();
    final LinkedHashMap<ByteString, PendingPost> pending = new LinkedHashMap<>();
    /**
     * Entries held as opaque because their sender key had not reached us, by key: when the key
     * comes, even long after the post stopped waiting for it, they become gaps again and are read.
     */
    final Map<ByteString, Set<ByteString>> opaqueByKey = new LinkedHashMap<>();
    int opaqueWaiting;
    /**
     * A fellow member the node should link to, while no fellow member is linked or a gap stays
     * open: heads and back-fill travel only between linked members. Null otherwise.
     */
    PeerId wantedLink;
    /** Beats in a row that ended with a gap in the log. */
    int beatsWithGaps;

    GroupState(GroupId id, String name, String status, PeerId invitedBy, long createdMillis) {
        this.id = id;
        this.topic = id.topic();
        this.name = name;
        this.status = status;
        this.invitedBy = invitedBy;
        this.createdMillis = createdMillis;
        this.membership = Membership.replay(id, List.of());
    }

    boolean joined() {
        return GroupRecord.JOINED.equals(status);
    }

    void putKey(PeerId owner, SenderKey key) {
        ByteString keyId = ByteString.copyFrom(key.keyId());
        keys.put(keyId, key);
        keyOwners.put(keyId, owner);
    }
}
