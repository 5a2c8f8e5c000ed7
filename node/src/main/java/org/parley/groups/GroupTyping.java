package org.parley.groups;

import com.google.protobuf.ByteString;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.parley.identity.PeerId;
import org.parley.messaging.GroupSignalTransport;
import org.parley.proto.wire.v1.GroupSignal;
import org.parley.runtime.Clock;
import org.parley.runtime.Scheduler;
import org.parley.store.GroupSignalRows;
import org.parley.store.StorageQueue;

/**
 * Typing indicators in groups (decision 0060), as 0053 has them for contacts: off per group until
 * the user turns them on, and reciprocal (with them off we send none and tell none). Ours go
 * through the pairwise sessions to each linked member, once (never an outbox, a mailbox or a
 * resend), a start at most once every {@link #SEND_EVERY} per group and a stop only after a start.
 * A member's are told to the listeners, never stored: only from a current member of a group we
 * joined, over its link, newer than the last one it sent for that group (a reordered or replayed
 * one is stale), and thinned to one start per {@link #HEAR_EVERY}; at most one entry per member
 * and group in memory. Confined to the node's loop.
 */
final class GroupTyping {
    static final Duration SEND_EVERY = Duration.ofSeconds(3);
    static final Duration HEAR_EVERY = Duration.ofSeconds(1);

    /** What a member did, as the listeners hear it. */
    interface Listener {
        void typing(GroupId group, PeerId member, boolean active);
    }

    /**
     * A member's last signal in a group: its send time, when a start of it was last told, and
     * whether it is shown typing (a stop is told only then, so a start-stop flood is thinned too).
     */
    private record Heard(long sentAtMillis, long startToldAtMillis, boolean shown) {
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
    /** Per group we typed in: when the last start went out, or absent once a stop did. */
    private final Map<GroupId, Long> sentStart = new HashMap<>();
    /** Per group: the send time of the last signal we sent, so that ours strictly increase. */
    private final Map<GroupId, Long> lastSentAt = new HashMap<>();
    private final Map<Key, Heard> heard = new HashMap<>();

    GroupTyping(PeerId self, GroupDirectory directory, GroupSignalTransport transport, StorageQueue storage,
                Scheduler loop, Clock clock, Listener listener) {
        this.self = self;
        this.directory = directory;
        this.transport = transport;
        this.storage = storage;
        this.loop = loop;
        this.clock = clock;
        this.listener = listener;
        this.on = new GroupSwitch(directory, storage, loop, GroupSignalRows::typingOn, GroupSignalRows::setTyping,
                this::forget);
    }

    void load(Connection connection) throws SQLException {
        on.load(connection);
    }

    boolean isOn(GroupId group) {
        return on.isOn(group);
    }

    /** Turns typing indicators in a group we belong to (or were invited to) on or off; committed before it shows. */
    CompletableFuture<Boolean> set(GroupId group, boolean typing) {
        return on.set(group, typing);
    }

    /** The group's setting went off: what we kept for it goes. */
    private void forget(GroupId group) {
        sentStart.remove(group);
        heard.keySet().removeIf(key -> key.group().equals(group));
    }

    /** The user types in {@code group} ({@code active}) or stopped; whether it went to any member. */
    boolean send(GroupId group, boolean active) {
        GroupState state = directory.get(group);
        if (state == null || !state.joined() || !on.isOn(group)) {
            sentStart.remove(group);
            return false;
        }
        long now = clock.nowMillis();
        Long last = sentStart.get(group);
        if (active ? last != null && now - last < SEND_EVERY.toMillis() : last == null) {
            return false;
        }
        long sentAt = Math.max(now, lastSentAt.getOrDefault(group, 0L) + 1);
        lastSentAt.put(group, sentAt);
        byte[] signal = GroupSignal.newBuilder().setTyping(org.parley.proto.wire.v1.GroupTyping.newBuilder()
                .setGroupId(ByteString.copyFrom(group.bytes())).setActive(active).setSentAtMs(sentAt))
                .build().toByteArray();
        boolean sent = false;
        for (PeerId member : state.membership.members().keySet()) {
            if (!member.equals(self)) {
                sent |= transport.sendGroupSignal(member, signal);
            }
        }
        if (sent && active) {
            sentStart.put(group, now);
        } else {
            sentStart.remove(group);
        }
        return sent;
    }

    /**
     * A member's signal, decrypted: from its pairwise session, so the sender is who it says.
     * Ignored unless it is a member of a group we joined with typing on, came over its link, and
     * is newer than the last it sent there; refused only when out of shape.
     */
    void heard(PeerId sender, org.parley.proto.wire.v1.GroupTyping typing, boolean relayed) throws GroupException {
        GroupId group = GroupId.of(typing.getGroupId().toByteArray());
        GroupState state = directory.get(group);
        if (relayed || state == null || !state.joined() || !on.isOn(group) || sender.equals(self)
                || !state.membership.isMember(sender)) {
            // A member removed a moment ago, or one whose signal crossed our switch: honest, so not scored.
            return;
        }
        Key key = new Key(group, sender);
        Heard last = heard.get(key);
        long now = clock.nowMillis();
        if (last != null && typing.getSentAtMs() <= last.sentAtMillis()) {
            return;
        }
        boolean tell;
        long startTold = last == null ? Long.MIN_VALUE : last.startToldAtMillis();
        boolean shown = last != null && last.shown();
        if (typing.getActive()) {
            tell = startTold == Long.MIN_VALUE || now - startTold >= HEAR_EVERY.toMillis();
            if (tell) {
                startTold = now;
                shown = true;
            }
        } else {
            tell = shown;
            shown = false;
        }
        heard.put(key, new Heard(typing.getSentAtMs(), startTold, shown));
        if (tell) {
            listener.typing(group, sender, typing.getActive());
        }
    }
}
