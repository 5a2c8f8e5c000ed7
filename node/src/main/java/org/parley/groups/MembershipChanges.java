package org.parley.groups;

import com.google.protobuf.ByteString;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.parley.identity.Identity;
import org.parley.identity.PeerId;
import org.parley.link.Misbehaviour;
import org.parley.overlay.gossip.GossipRouter;
import org.parley.proto.wire.v1.GroupSignal;
import org.parley.proto.wire.v1.GroupInvite;
import org.parley.proto.wire.v1.MembershipOpProto;
import org.parley.proto.wire.v1.MembershipOps;
import org.parley.runtime.Clock;

/**
 * Changes to who is in a group: ours (create, invite, join, remove, leave), signed and sent to
 * every member through the {@link SignalOutbox}, and other members' (invitations and ops), which
 * are verified, stored and replayed into the {@link Membership}. What a change means for our
 * sender key is left to {@link SenderKeyDistribution}. Confined to the node's loop.
 */
final class MembershipChanges {
    /** An order that puts every op after its parents (their clocks are lower), the same on every member. */
    static final Comparator<MembershipOp> TOPOLOGICAL = Comparator.comparingLong(MembershipOp::clock)
            .thenComparing(MembershipOp::id, Arrays::compareUnsigned);

    private final Identity self;
    private final GroupDirectory directory;
    private final GroupStorage storage;
    private final SignalOutbox outbox;
    private final OneShotSignal control;
    private final SenderKeyDistribution keys;
    private final GossipRouter gossip;
    private final Clock clock;
    private final SecureRandom random;
    private final List<GroupEvents> listeners;
    private final PendingInvitations invitations = new PendingInvitations(Groups.MAX_PENDING_INVITATIONS);

    MembershipChanges(Identity self, GroupDirectory directory, GroupStorage storage, SignalOutbox outbox,
                      OneShotSignal control, SenderKeyDistribution keys, GossipRouter gossip, Clock clock,
                      SecureRandom random, List<GroupEvents> listeners) {
        this.listeners = listeners;
        this.self = self;
        this.directory = directory;
        this.storage = storage;
        this.outbox = outbox;
        this.control = control;
        this.keys = keys;
        this.gossip = gossip;
        this.clock = clock;
        this.random = random;
    }

    // ---------------------------------------------------------------- ours

    CompletableFuture<GroupRecord> create(String name) {
        if (!MembershipOp.validName(name)) {
            return failed(GroupFailure.Reason.INVALID, "a group name has 1 to " + MembershipOp.MAX_NAME_LENGTH
                    + " characters, no control characters");
        }
        byte[] nonce = new byte[GroupId.NONCE_SIZE];
        random.nextBytes(nonce);
        GroupId id = GroupId.derive(self.peerId().publicKey(), nonce);
        long now = clock.nowMillis();
        MembershipOp create = MembershipOp.sign(self, id, MembershipOp.Kind.CREATE, self.peerId(), true, List.of(), now,
                name, nonce);
        GroupState state = new GroupState(id, name, GroupRecord.JOINED, null, now);
        directory.add(state);
        keys.startOwnKey(state);
        gossip.subscribe(state.topic);
        List<GroupStorage.Rows> rows = new ArrayList<>();
        rows.add(storage.groupRow(state));
        rows.add(storage.keyRow(state, self.peerId(), state.ownKey));
        return applyOps(state, List.of(create), rows).thenApply(ignored -> directory.record(state));
    }

    CompletableFuture<GroupRecord> invite(GroupId id, PeerId peer, boolean admin) {
        GroupState state = directory.get(id);
        if (state == null || !state.joined()) {
            return notMember(state, id);
        }
        if (!state.membership.isAdmin(self.peerId())) {
            return failed(GroupFailure.Reason.NOT_ALLOWED, "only an admin of the group invites");
        }
        if (state.membership.isMember(peer) && (!admin || state.membership.isAdmin(peer))) {
            return failed(GroupFailure.Reason.ALREADY_DONE, peer + " is already a member");
        }
        if (!state.membership.isMember(peer) && state.membership.members().size() >= Membership.MAX_MEMBERS) {
            return failed(GroupFailure.Reason.LIMIT_REACHED, "a group has at most " + Membership.MAX_MEMBERS + " members");
        }
        if (state.ops.size() >= Groups.MAX_OPS) {
            return failed(GroupFailure.Reason.LIMIT_REACHED, "the group has reached its limit of " + Groups.MAX_OPS + " membership changes");
        }
        MembershipOp add = newOp(state, MembershipOp.Kind.ADD, peer, admin);
        Set<PeerId> others = directory.otherMembers(state);
        CompletableFuture<Void> applied = applyOps(state, List.of(add), new ArrayList<>());
        for (PeerId member : others) {
            if (!member.equals(peer)) {
                outbox.queue(member, GroupSignal.newBuilder().setOps(MembershipOps.newBuilder().addOps(add.toProto())));
            }
        }
        sendAllOps(state, peer);
        return applied.thenApply(ignored -> directory.record(state));
    }

    CompletableFuture<GroupRecord> join(GroupId id) {
        GroupState state = directory.get(id);
        if (state == null || !state.membership.isMember(self.peerId())) {
            return failed(GroupFailure.Reason.NOT_FOUND, "no invitation to group " + id);
        }
        if (state.joined()) {
            return CompletableFuture.completedFuture(directory.record(state));
        }
        state.status = GroupRecord.JOINED;
        keys.startOwnKey(state);
        gossip.subscribe(state.topic);
        keys.grantToAll(state);
        GroupStorage.Rows group = storage.groupRow(state);
        GroupStorage.Rows key = storage.keyRow(state, self.peerId(), state.ownKey);
        return storage.commit(connection -> {
            group.write(connection);
            key.write(connection);
        }).thenApply(ignored -> changed(state));
    }

    CompletableFuture<GroupRecord> remove(GroupId id, PeerId peer) {
        GroupState state = directory.get(id);
        if (state == null || !state.joined()) {
            return notMember(state, id);
        }
        if (peer.equals(self.peerId())) {
            return failed(GroupFailure.Reason.INVALID, "to leave a group use leave");
        }
        if (!state.membership.isAdmin(self.peerId())) {
            return failed(GroupFailure.Reason.NOT_ALLOWED, "only an admin of the group removes members");
        }
        if (!state.membership.isMember(peer)) {
            return failed(GroupFailure.Reason.NOT_FOUND, peer + " is not a member");
        }
        return changeAndTell(state, newOp(state, MembershipOp.Kind.REMOVE, peer, false));
    }

    CompletableFuture<GroupRecord> leave(GroupId id) {
        GroupState state = directory.get(id);
        if (state == null || !state.membership.isMember(self.peerId())) {
            return notMember(state, id);
        }
        return changeAndTell(state, newOp(state, MembershipOp.Kind.LEAVE, self.peerId(), false));
    }

    // ---------------------------------------------------------------- other members'

    void receiveInvite(PeerId sender, ByteString signalId, GroupInvite invite) throws GroupException {
        List<MembershipOp> ops = verifyOps(invite.getOpsList());
        MembershipOp create = ops.stream().filter(op -> op.kind() == MembershipOp.Kind.CREATE).findFirst()
                .orElseThrow(() -> new GroupException(Misbehaviour.MALFORMED, "an invitation without the create op"));
        GroupId id = create.groupId();
        if (ops.stream().anyMatch(op -> !op.groupId().equals(id))
                || !GroupId.derive(create.actor().publicKey(), create.nonce()).equals(id)) {
            throw new GroupException(Misbehaviour.FORGED, "an invitation whose ops are not of its group");
        }
        GroupState known = directory.get(id);
        if (known != null) {
            // Sent again, or to a member already: ops like any other, from a member like any other.
            receiveKnown(known, sender, signalId, ops);
            return;
        }
        PendingInvitations.Pending pending = invitations.start(id, sender, create.name(), signalId, ops);
        if (!makesUsAMember(pending)) {
            if (ops.size() < Groups.MAX_OPS_PER_MESSAGE) {
                invitations.drop(id);
                throw new GroupException(Misbehaviour.MALFORMED, "an invitation that does not make us a member");
            }
            return; // a first chunk: the op that makes us a member may come in a later one
        }
        takeInvitation(pending);
    }

    private boolean makesUsAMember(PendingInvitations.Pending pending) {
        return Membership.replay(pending.group(), pending.ops().values()).isMember(self.peerId());
    }

    /** The group of an invitation whose ops (all its chunks so far) make us a member, stored. */
    private void takeInvitation(PendingInvitations.Pending pending) {
        invitations.drop(pending.group());
        GroupState state = new GroupState(pending.group(), pending.name(), GroupRecord.INVITED, pending.inviter(),
                clock.nowMillis());
        OpAdmission.Result admitted = OpAdmission.admit(state.id, List.of(), new ArrayList<>(pending.ops().values()),
                true);
        directory.add(state);
        List<GroupStorage.Rows> rows = new ArrayList<>();
        rows.add(storage.groupRow(state));
        take(state, pending.inviter(), pending.controlIds(), admitted, rows);
    }

    void receiveOps(PeerId sender, ByteString signalId, List<MembershipOpProto> protos) throws GroupException {
        List<MembershipOp> ops = verifyOps(protos);
        if (ops.isEmpty()) {
            throw new GroupException(Misbehaviour.MALFORMED, "no ops");
        }
        GroupId id = ops.get(0).groupId();
        if (ops.stream().anyMatch(op -> !op.groupId().equals(id))) {
            throw new GroupException(Misbehaviour.MALFORMED, "ops of more than one group in one message");
        }
        GroupState state = directory.get(id);
        if (state != null) {
            receiveKnown(state, sender, signalId, ops);
            return;
        }
        PendingInvitations.Pending pending = invitations.more(id, sender, signalId, ops);
        if (pending != null && makesUsAMember(pending)) {
            takeInvitation(pending);
        }
        // Otherwise not invited yet (the invitation may still be on its way): the sender tries again.
    }

    /**
     * Ops for a group we know, by invitation or as changes: only from a member (or about itself),
     * only those {@link OpAdmission} keeps, and within the group's limit. Legacy ops only from the
     * inviter, before we join. Acknowledged once stored, unless some wait for parents we lack.
     */
    private void receiveKnown(GroupState state, PeerId sender, ByteString signalId, List<MembershipOp> ops) {
        if (!state.membership.isMember(sender) && ops.stream().noneMatch(op -> op.actor().equals(sender))) {
            directory.count(state, sender, new GroupException(Misbehaviour.NOT_A_MEMBER, "ops from a non-member"));
            return;
        }
        boolean fromInviter = !state.joined() && sender.equals(state.invitedBy);
        OpAdmission.Result admitted = OpAdmission.admit(state.id, state.ops.values(), ops, fromInviter);
        if (state.ops.size() + admitted.kept().size() > Groups.MAX_OPS) {
            directory.count(state, sender, new GroupException(Misbehaviour.TOO_LARGE, "the group's op limit is reached"));
            return;
        }
        take(state, sender, List.of(signalId), admitted, new ArrayList<>());
    }

    private void take(GroupState state, PeerId sender, List<ByteString> controlIds, OpAdmission.Result admitted,
                      List<GroupStorage.Rows> rows) {
        for (OpAdmission.Refusal refusal : admitted.refused()) {
            directory.count(state, refusal.actor() == null ? sender : refusal.actor(), refusal.reason());
        }
        CompletableFuture<Void> stored = applyOps(state, admitted.kept(), rows);
        if (!admitted.incomplete()) {
            stored.thenRun(() -> controlIds.forEach(signalId -> control.acknowledge(sender, signalId)));
        }
        keys.takeEarlyGrants(state);
    }

    private static List<MembershipOp> verifyOps(List<MembershipOpProto> protos) throws GroupException {
        if (protos.size() > Groups.MAX_OPS_PER_MESSAGE) {
            throw new GroupException(Misbehaviour.TOO_LARGE,
                    "over " + Groups.MAX_OPS_PER_MESSAGE + " ops in one message");
        }
        List<MembershipOp> ops = new ArrayList<>();
        for (MembershipOpProto proto : protos) {
            ops.add(MembershipOp.verify(proto));
        }
        return ops;
    }

    // ---------------------------------------------------------------- applying

    private MembershipOp newOp(GroupState state, MembershipOp.Kind kind, PeerId target, boolean admin) {
        return MembershipOp.sign(self, state.id, kind, target, admin, state.membership.heads(), clock.nowMillis(), "",
                new byte[0]);
    }

    /** Applies our own op and sends it to every member before it (the target included). */
    private CompletableFuture<GroupRecord> changeAndTell(GroupState state, MembershipOp op) {
        Set<PeerId> told = directory.otherMembers(state);
        CompletableFuture<Void> applied = applyOps(state, List.of(op), new ArrayList<>());
        for (PeerId member : told) {
            outbox.queue(member, GroupSignal.newBuilder().setOps(MembershipOps.newBuilder().addOps(op.toProto())));
        }
        return applied.thenApply(ignored -> directory.record(state));
    }

    /** Sends a new member every op, in chunks: the create op first, inside the invitation. */
    private void sendAllOps(GroupState state, PeerId peer) {
        List<MembershipOp> ordered = new ArrayList<>(state.ops.values());
        ordered.sort(TOPOLOGICAL);
        for (int start = 0; start < ordered.size(); start += Groups.MAX_OPS_PER_MESSAGE) {
            List<MembershipOpProto> chunk = ordered.subList(start,
                            Math.min(ordered.size(), start + Groups.MAX_OPS_PER_MESSAGE))
                    .stream().map(MembershipOp::toProto).toList();
            outbox.queue(peer, start == 0
                    ? GroupSignal.newBuilder().setInvite(GroupInvite.newBuilder().addAllOps(chunk))
                    : GroupSignal.newBuilder().setOps(MembershipOps.newBuilder().addAllOps(chunk)));
        }
    }

    /**
     * Takes in ops, replays the membership and acts on what changed: a new member gets our sender
     * key; when anyone left or was removed, we rotate ours and hand the new one to those who stay;
     * when we are out, we stop. The future completes once everything is stored.
     */
    private CompletableFuture<Void> applyOps(GroupState state, List<MembershipOp> ops, List<GroupStorage.Rows> rows) {
        Membership before = state.membership;
        for (MembershipOp op : ops) {
            if (state.ops.putIfAbsent(ByteString.copyFrom(op.id()), op) == null) {
                rows.add(storage.opRow(state, op));
            }
        }
        state.membership = Membership.replay(state.id, state.ops.values());
        Membership after = state.membership;
        PeerId me = self.peerId();
        String status = state.status;
        if (!before.isMember(me) && after.isMember(me) && !state.joined()) {
            state.status = GroupRecord.INVITED;
        } else if (before.isMember(me) && !after.isMember(me)) {
            boolean left = ops.stream().anyMatch(op -> op.kind() == MembershipOp.Kind.LEAVE && op.actor().equals(me));
            state.status = left ? GroupRecord.LEFT : GroupRecord.REMOVED;
            state.ownKey = null;
            gossip.unsubscribe(state.topic);
        }
        if (!status.equals(state.status)) {
            rows.add(storage.groupRow(state));
        }
        if (state.joined() && after.isMember(me)) {
            boolean someoneWentAway = before.members().keySet().stream()
                    .anyMatch(peer -> !peer.equals(me) && !after.isMember(peer));
            if (someoneWentAway) {
                keys.rotate(state, rows);
            } else {
                for (PeerId peer : after.members().keySet()) {
                    if (!peer.equals(me) && !before.isMember(peer)) {
                        keys.grantToNewMember(state, peer);
                    }
                }
            }
        }
        return storage.commit(GroupStorage.all(rows)).thenRun(() -> changed(state));
    }

    /** Tells the listeners how a group stands once a change of it is stored. */
    private GroupRecord changed(GroupState state) {
        GroupRecord record = directory.record(state);
        listeners.forEach(listener -> listener.groupChanged(record));
        return record;
    }

    /** Unknown to us, or known but without us as a member (left, removed, invitation not accepted). */
    private static <T> CompletableFuture<T> notMember(GroupState state, GroupId id) {
        return failed(state == null ? GroupFailure.Reason.NOT_FOUND : GroupFailure.Reason.WRONG_STATE,
                "you are not a member of group " + id);
    }

    private static <T> CompletableFuture<T> failed(GroupFailure.Reason reason, String message) {
        return CompletableFuture.failedFuture(new GroupFailure(reason, message));
    }
}
