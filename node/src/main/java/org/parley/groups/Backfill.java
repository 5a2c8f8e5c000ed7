package org.parley.groups;

import com.google.protobuf.ByteString;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.parley.identity.PeerId;
import org.parley.link.Misbehaviour;
import org.parley.link.Neighbours;
import org.parley.proto.wire.v1.BackfillPosts;
import org.parley.proto.wire.v1.GroupSignal;
import org.parley.proto.wire.v1.LogIds;
import org.parley.runtime.Scheduler;

/**
 * How members fill the gaps in their logs: at each beat one linked member hears our heads and is
 * asked for the entries we miss; heads we do not hold are asked for; requests are answered from
 * storage in envelopes of bounded size; back-filled posts go through {@link PostIntake}. With no
 * member linked, or a gap open for long, the node is told which member to reach. Only members
 * take part. Confined to the node's loop.
 */
final class Backfill {
    private static final Logger LOG = Logger.getLogger(Backfill.class.getName());

    private final GroupDirectory directory;
    private final GroupStorage storage;
    private final OneShotSignal control;
    private final PostIntake posts;
    private final Neighbours neighbours;
    private final Scheduler loop;

    Backfill(GroupDirectory directory, GroupStorage storage, OneShotSignal control, PostIntake posts,
             Neighbours neighbours, Scheduler loop) {
        this.directory = directory;
        this.storage = storage;
        this.control = control;
        this.posts = posts;
        this.neighbours = neighbours;
        this.loop = loop;
    }

    /**
     * One beat of a joined group: tells one linked member (in turn) our heads, which is how a
     * member back from offline learns what it missed, and asks it for the gaps still open; picks
     * the member the node should link to when none is linked or a gap stays open.
     */
    void beat(GroupState state, long beats) {
        List<ByteString> missing = new ArrayList<>(state.log.missing());
        state.beatsWithGaps = missing.isEmpty() ? 0 : state.beatsWithGaps + 1;
        List<PeerId> others = List.copyOf(directory.otherMembers(state));
        List<PeerId> linked = others.stream().filter(neighbours::isConnected).toList();
        List<PeerId> unlinked = others.stream().filter(peer -> !neighbours.isConnected(peer)).toList();
        // Heads and back-fill go only to linked members: with none linked we never hear of posts
        // gossip did not bring us, and gaps the linked ones cannot fill stay open. Then want a
        // link to one more member, another one at each beat in case one is away.
        boolean stuck = linked.isEmpty() || state.beatsWithGaps >= Groups.GAP_BEATS_BEFORE_REACHING_OUT;
        state.wantedLink = stuck && !unlinked.isEmpty() ? unlinked.get((int) (beats % unlinked.size())) : null;
        if (linked.isEmpty()) {
            return;
        }
        PeerId peer = linked.get((int) (beats % linked.size()));
        control.send(peer, GroupSignal.newBuilder().setHeads(LogIds.newBuilder()
                .setGroupId(ByteString.copyFrom(state.id.bytes())).addAllIds(state.log.heads())));
        control.requestBackfill(state, peer, missing);
    }

    void receiveHeads(PeerId sender, LogIds heads) throws GroupException {
        // Not scored: heads come every beat, also from a member whose add is still on its way to us.
        GroupState state = memberState(sender, heads, false);
        if (state == null) {
            return;
        }
        List<ByteString> unknown = new ArrayList<>();
        for (ByteString id : heads.getIdsList()) {
            if (!state.log.holds(id)) {
                unknown.add(id);
            }
        }
        control.requestBackfill(state, sender, unknown);
    }

    /** Sends a member the posts it asked for that we hold, in answers of bounded count and size. */
    void answer(PeerId sender, LogIds request) throws GroupException {
        GroupState state = memberState(sender, request, true);
        if (state == null) {
            return;
        }
        ByteString groupId = ByteString.copyFrom(state.id.bytes());
        storage.posts(state.id, request.getIdsList()).whenCompleteAsync((held, error) -> {
            if (error != null) {
                LOG.log(Level.WARNING, "reading posts to back-fill failed", error);
                return;
            }
            BackfillPosts.Builder answer = BackfillPosts.newBuilder().setGroupId(groupId);
            int bytes = 0;
            for (byte[] post : held) {
                if (answer.getPostsCount() >= Groups.MAX_BACKFILL_POSTS
                        || bytes + post.length > Groups.MAX_BACKFILL_BYTES) {
                    control.send(sender, GroupSignal.newBuilder().setBackfill(answer));
                    answer = BackfillPosts.newBuilder().setGroupId(groupId);
                    bytes = 0;
                }
                answer.addPosts(ByteString.copyFrom(post));
                bytes += post.length;
            }
            if (answer.getPostsCount() > 0) {
                control.send(sender, GroupSignal.newBuilder().setBackfill(answer));
            }
        }, loop);
    }

    void receive(PeerId sender, BackfillPosts backfill) throws GroupException {
        if (backfill.getPostsCount() > Groups.MAX_BACKFILL_POSTS) {
            throw new GroupException(Misbehaviour.TOO_LARGE, "back-fill over " + Groups.MAX_BACKFILL_POSTS + " posts");
        }
        GroupState state = directory.get(GroupId.of(backfill.getGroupId().toByteArray()));
        if (state == null || !state.joined()) {
            return;
        }
        if (!state.membership.isMember(sender)) {
            directory.count(state, sender, new GroupException(Misbehaviour.NOT_A_MEMBER, "back-fill from a non-member"));
            return;
        }
        for (ByteString post : backfill.getPostsList()) {
            posts.receive(state, post.toByteArray(), sender, true);
        }
    }

    /**
     * The group a heads or back-fill message names, if we joined it and the sender is a member; a
     * non-member's message is counted, and scores the sender down when {@code scored}.
     */
    private GroupState memberState(PeerId sender, LogIds ids, boolean scored) throws GroupException {
        if (ids.getIdsCount() > Groups.MAX_IDS || ids.getIdsList().stream().anyMatch(id -> id.size() != 32)) {
            throw new GroupException(Misbehaviour.MALFORMED, "log IDs: at most " + Groups.MAX_IDS + " of 32 bytes");
        }
        GroupState state = directory.get(GroupId.of(ids.getGroupId().toByteArray()));
        if (state == null || !state.joined()) {
            return null;
        }
        if (!state.membership.isMember(sender)) {
            directory.count(state, scored ? sender : null,
                    new GroupException(Misbehaviour.NOT_A_MEMBER, "log request from a non-member"));
            return null;
        }
        return state;
    }
}
