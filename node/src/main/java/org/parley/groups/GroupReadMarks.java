package org.parley.groups;

import com.google.protobuf.ByteString;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import org.parley.identity.PeerId;
import org.parley.link.Misbehaviour;
import org.parley.messaging.GroupSignalTransport;
import org.parley.proto.wire.v1.GroupReadMark;
import org.parley.proto.wire.v1.GroupSignal;
import org.parley.runtime.Clock;
import org.parley.runtime.Scheduler;
import org.parley.store.GroupSignalRows;
import org.parley.store.StorageQueue;

/**
 * Read marks in groups (decision 0062), reciprocal as 0053 has them for contacts: off per group
 * until the user turns them on; with them off we send none and show none. A mark names a log
 * entry: it and everything before it in log order (lamport, entry ID; the same on every member)
 * is read. Ours goes, when it moves, once to each linked member over the pairwise sessions, and
 * again to a member whose link comes up. A member's is looked up in our own log (an entry we do
 * not hold is counted, not taken) and kept only if later than the last: replays and reordering
 * change nothing, and no mark goes back. A member's marks are taken at most once a second per
 * group, the latest of a burst when the second is over; a flood is dropped and scored
 * ({@link ReadMarkPace}). Marks are stored, one per member and group. Confined to the node's loop.
 */
final class GroupReadMarks {
    /** A member's mark moved, as the listeners hear it (after it is stored). */
    interface Listener {
        void read(GroupId group, PeerId member, String entryId);
    }

    /** What marking a group read did: the entry now marked (empty when the mark did not move), and whether it went out. */
    record Marked(Optional<String> upTo, boolean sent) {
    }

    private record Position(long lamport, ByteString entryId) {
        static final Comparator<Position> ORDER = Comparator.comparingLong(Position::lamport)
                .thenComparing(Position::entryId, ByteString.unsignedLexicographicalComparator());

        boolean after(Position other) {
            return other == null || ORDER.compare(this, other) > 0;
        }
    }

    private record Key(GroupId group, PeerId member) {
    }

    private final PeerId self;
    private final GroupDirectory directory;
    private final GroupSignalTransport transport;
    private final StorageQueue storage;
    private final Scheduler loop;
    private final Clock clock;
    private final Listener listener;
    private final GroupSwitch on;
    /** Per group, per member (us too): how far it read, as stored. */
    private final Map<GroupId, Map<PeerId, Position>> marks = new HashMap<>();
    private final ReadMarkPace<Key> pace = new ReadMarkPace<>();
    /** Per member and group: the latest mark that came before it was due, taken when it is (a task is scheduled). */
    private final Map<Key, Position> held = new HashMap<>();

    GroupReadMarks(PeerId self, GroupDirectory directory, GroupSignalTransport transport, StorageQueue storage,
                   Scheduler loop, Clock clock, Listener listener) {
        this.self = self;
        this.directory = directory;
        this.transport = transport;
        this.storage = storage;
        this.loop = loop;
        this.clock = clock;
        this.listener = listener;
        this.on = new GroupSwitch(directory, storage, loop, GroupSignalRows::readReceiptsOn,
                GroupSignalRows::setReadReceipts, this::forget);
    }

    void load(Connection connection) throws SQLException {
        on.load(connection);
        try {
            for (GroupSignalRows.Mark mark : GroupSignalRows.marks(connection)) {
                marks.computeIfAbsent(GroupId.of(mark.groupId()), id -> new HashMap<>()).put(
                        PeerId.parse(mark.member()), new Position(mark.lamport(), ByteString.copyFrom(mark.entryId())));
            }
        } catch (GroupException | org.parley.identity.InvalidPeerIdException e) {
            throw new SQLException("a stored read mark is out of shape", e);
        }
    }

    boolean isOn(GroupId group) {
        return on.isOn(group);
    }

    /** Turns read marks in a group we belong to (or were invited to) on or off; committed before it shows. */
    CompletableFuture<Boolean> set(GroupId group, boolean readReceipts) {
        return on.set(group, readReceipts);
    }

    /** The group's setting went off: what we kept for it goes. */
    private void forget(GroupId group) {
        held.keySet().removeIf(key -> key.group().equals(group));
        pace.forget(key -> key.group().equals(group));
    }

    /**
     * Moves our mark in a group we joined to {@code upTo} (an entry of its log), or its newest
     * entry; never back. When it moved and read marks are on, it goes to each linked member.
     */
    CompletableFuture<Marked> markRead(GroupId group, Optional<byte[]> upTo) {
        GroupState state = directory.get(group);
        if (state == null || !state.joined()) {
            return CompletableFuture.failedFuture(new GroupFailure(GroupFailure.Reason.NOT_FOUND,
                    "no group " + group + " joined"));
        }
        ByteString entry;
        if (upTo.isPresent()) {
            entry = ByteString.copyFrom(upTo.get());
        } else {
            List<ByteString> heads = state.log.heads();
            if (heads.isEmpty()) {
                return CompletableFuture.completedFuture(new Marked(Optional.empty(), false));
            }
            entry = heads.get(0);
        }
        OptionalLong lamport = state.log.lamportOf(entry);
        if (lamport.isEmpty()) {
            return CompletableFuture.failedFuture(new GroupFailure(GroupFailure.Reason.NOT_FOUND,
                    "no message " + HexFormat.of().formatHex(entry.toByteArray()) + " in group " + group));
        }
        Position position = new Position(lamport.getAsLong(), entry);
        return move(group, self, position).thenApply(moved -> {
            if (!moved) {
                return new Marked(Optional.empty(), false);
            }
            boolean sent = false;
            if (on.isOn(group)) {
                for (PeerId member : directory.otherMembers(state)) {
                    sent |= transport.sendGroupSignal(member, signal(group, entry));
                }
            }
            return new Marked(Optional.of(HexFormat.of().formatHex(entry.toByteArray())), sent);
        });
    }

    /** A link to {@code peer} came up: our mark in each group it shares with us, read marks on, goes to it again. */
    void linked(PeerId peer) {
        for (GroupState state : directory.all()) {
            Position own = marks.getOrDefault(state.id, Map.of()).get(self);
            if (own != null && state.joined() && on.isOn(state.id) && !peer.equals(self)
                    && state.membership.isMember(peer)) {
                transport.sendGroupSignal(peer, signal(state.id, own.entryId()));
            }
        }
    }

    /**
     * A member's mark, decrypted: from its pairwise session, so the sender is who it says. Taken
     * only from a member of a group we joined with read marks on, naming an entry our log holds,
     * and later than its last; refused only when out of shape.
     */
    void heard(PeerId sender, GroupReadMark mark) throws GroupException {
        if (mark.getEntryId().size() != 32) {
            throw new GroupException(Misbehaviour.MALFORMED, "a read mark's entry ID is not 32 bytes");
        }
        GroupId group = GroupId.of(mark.getGroupId().toByteArray());
        GroupState state = directory.get(group);
        if (state == null || !state.joined() || !on.isOn(group) || sender.equals(self)) {
            // One that crossed our switch, or about a group we left: honest, so not scored.
            return;
        }
        if (!state.membership.isMember(sender)) {
            // A member removed a moment ago is honest: counted, not scored.
            directory.count(state, null, new GroupException(Misbehaviour.NOT_A_MEMBER, "read mark from a non-member"));
            return;
        }
        Key key = new Key(group, sender);
        long now = clock.nowMillis();
        if (pace.flooding(key, now)) {
            directory.count(state, sender, new GroupException(Misbehaviour.FLOOD,
                    "more than " + ReadMarkPace.FLOOD_PER_MINUTE + " read marks a minute"));
            return;
        }
        OptionalLong lamport = state.log.lamportOf(mark.getEntryId());
        if (lamport.isEmpty()) {
            // Not yet back-filled, or made up: nothing moves, and the next mark makes good an honest one.
            directory.count(state, null, new GroupException(Misbehaviour.ANSWER_TO_NOTHING,
                    "read mark naming an entry we do not hold"));
            return;
        }
        Position position = new Position(lamport.getAsLong(), mark.getEntryId());
        if (!position.after(marks.getOrDefault(group, Map.of()).get(sender))) {
            return;
        }
        long due = pace.dueAtMillis(key);
        if (now >= due) {
            take(key, position, now);
            return;
        }
        Position waiting = held.get(key);
        if (waiting == null) {
            loop.schedule(Duration.ofMillis(due - now), () -> takeHeld(key));
        }
        if (position.after(waiting)) {
            held.put(key, position);
        }
    }

    /** The held mark of a member, now due: taken if the member and the switch still are. */
    private void takeHeld(Key key) {
        Position position = held.remove(key);
        GroupState state = directory.get(key.group());
        if (position != null && state != null && state.joined() && on.isOn(key.group())
                && state.membership.isMember(key.member())) {
            take(key, position, clock.nowMillis());
        }
    }

    private void take(Key key, Position position, long now) {
        pace.took(key, now);
        move(key.group(), key.member(), position).thenAccept(moved -> {
            if (moved) {
                listener.read(key.group(), key.member(), HexFormat.of().formatHex(position.entryId().toByteArray()));
            }
        });
    }

    /** The members but us who read {@code message} (one of ours, in a group with read marks on); else none. */
    List<PeerId> readBy(GroupMessageRecord message) {
        GroupState state = directory.get(message.group());
        if (state == null || !on.isOn(message.group()) || !message.sender().equals(self)) {
            return List.of();
        }
        Position posted = new Position(message.lamport(), ByteString.copyFrom(HexFormat.of().parseHex(message.entryId())));
        List<PeerId> readers = new ArrayList<>();
        marks.getOrDefault(message.group(), Map.of()).forEach((member, mark) -> {
            if (!member.equals(self) && state.membership.isMember(member) && !posted.after(mark)) {
                readers.add(member);
            }
        });
        readers.sort(Comparator.naturalOrder());
        return readers;
    }

    /** Stores a mark if it is later than the stored one, then takes it in memory; whether it moved. */
    private CompletableFuture<Boolean> move(GroupId group, PeerId member, Position position) {
        GroupSignalRows.Mark row = new GroupSignalRows.Mark(group.bytes(), member.toString(), position.lamport(),
                position.entryId().toByteArray());
        return storage.submit(connection -> GroupSignalRows.moveMark(connection, row)).thenApplyAsync(stored -> {
            Map<PeerId, Position> members = marks.computeIfAbsent(group, id -> new HashMap<>());
            if (!stored || !position.after(members.get(member))) {
                return false;
            }
            members.put(member, position);
            return true;
        }, loop);
    }

    private static byte[] signal(GroupId group, ByteString entry) {
        return GroupSignal.newBuilder().setReadMark(GroupReadMark.newBuilder()
                .setGroupId(ByteString.copyFrom(group.bytes())).setEntryId(entry)).build().toByteArray();
    }
}
