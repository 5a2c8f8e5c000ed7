package org.parley.groups;

import com.google.protobuf.ByteString;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.logging.Logger;
import org.parley.identity.PeerId;
import org.parley.link.Neighbours;
import org.parley.proto.wire.v1.GroupSignal;
import org.parley.proto.wire.v1.SenderKeyGrant;
import org.parley.runtime.Clock;

/**
 * Hands our sender key to the members who may read it and takes in theirs: a fresh key when we
 * join, a grant from where a new member's add was made, a new key for those who stay when anyone
 * goes away. Grants go through the {@link SignalOutbox}; one that comes before what makes it
 * usable waits in {@link EarlyGrants}. Confined to the node's loop.
 */
final class SenderKeyDistribution {
    private static final Logger LOG = Logger.getLogger(SenderKeyDistribution.class.getName());

    private final GroupDirectory directory;
    private final GroupStorage storage;
    private final SignalOutbox outbox;
    private final OneShotSignal control;
    private final PostIntake posts;
    private final Neighbours neighbours;
    private final Clock clock;
    private final SecureRandom random;
    private final EarlyGrants earlyGrants = new EarlyGrants(Groups.MAX_EARLY_GRANTS);

    SenderKeyDistribution(GroupDirectory directory, GroupStorage storage, SignalOutbox outbox, OneShotSignal control,
                          PostIntake posts, Neighbours neighbours, Clock clock, SecureRandom random) {
        this.directory = directory;
        this.storage = storage;
        this.outbox = outbox;
        this.control = control;
        this.posts = posts;
        this.neighbours = neighbours;
        this.clock = clock;
        this.random = random;
    }

    /** Gives us a fresh sender key in the group (we founded or joined it). */
    void startOwnKey(GroupState state) {
        state.ownKey = SenderKey.generate(random);
        state.putKey(directory.self(), state.ownKey);
    }

    /** Hands our key, from its current step, to every other member. */
    void grantToAll(GroupState state) {
        SenderKey.Step first = currentStep(state);
        for (PeerId member : directory.otherMembers(state)) {
            queueGrant(state, member, first, null, 0);
        }
    }

    /**
     * Hands our key to a member just added, from the step we were at when the add was made: we
     * may learn of the add only after posting since, and those posts are its to read.
     */
    void grantToNewMember(GroupState state, PeerId member) {
        queueGrant(state, member, state.ownKey.stepSince(addedAt(state, member), clock.nowMillis()), null, 0);
    }

    /** A fresh sender key for us, handed to every remaining member; the old one is retired. */
    void rotate(GroupState state, List<GroupStorage.Rows> rows) {
        PeerId self = directory.self();
        SenderKey old = state.ownKey;
        old.retire(old.iteration());
        rows.add(storage.keyRow(state, self, old));
        startOwnKey(state);
        rows.add(storage.keyRow(state, self, state.ownKey));
        SenderKey.Step first = currentStep(state);
        for (PeerId member : directory.otherMembers(state)) {
            queueGrant(state, member, first, old.keyId(), old.iteration());
        }
    }

    /**
     * After a restore from a backup: a fresh key in every group we are in, handed to the other
     * members. The restored key's next steps may already have been used by the machine the backup
     * came from, and members refuse a step they have seen.
     */
    CompletableFuture<Void> replaceRestoredKeys() {
        List<GroupStorage.Rows> rows = new ArrayList<>();
        int replaced = 0;
        for (GroupState state : directory.all()) {
            if (state.joined() && state.ownKey != null) {
                rotate(state, rows);
                replaced++;
            }
        }
        rows.add(storage.restoreHandled());
        LOG.info("restored from a backup: replaced our sender key in " + replaced + " groups");
        return storage.commit(GroupStorage.all(rows));
    }

    /**
     * Takes in a member's sender key. A grant for a group we do not know yet, or from a sender not
     * (yet) a member, is held; one its sender cannot prove it owns (signed by the key for the
     * group, the sender and the key), or for a key another member owns, is refused as forged. Once
     * stored, it is acknowledged, and the posts waiting for it are read.
     */
    void receiveGrant(PeerId sender, ByteString signalId, SenderKeyGrant grant) throws GroupException {
        GroupId id = GroupId.of(grant.getGroupId().toByteArray());
        GroupState state = directory.get(id);
        if (state == null) {
            earlyGrants.hold(id, sender, signalId, grant); // not invited yet: the invitation may come later
            return;
        }
        if (!state.membership.isMember(sender)) {
            // Counted but not scored, and kept: the add that makes it a member may still be on its way to us.
            directory.count(state, null, new GroupException(GroupRejection.NOT_A_MEMBER, "a sender key from a non-member"));
            earlyGrants.hold(id, sender, signalId, grant);
            return;
        }
        SenderKey key = SenderKey.received(grant.getKeyId().toByteArray(), grant.getIteration(),
                grant.getChainKey().toByteArray());
        ByteString keyId = grant.getKeyId();
        if (!SenderKey.ownedBy(key.keyId(), id, sender, grant.getOwnership().toByteArray())) {
            directory.count(state, sender, new GroupException(GroupRejection.FORGED,
                    "a sender key its sender cannot prove it owns"));
            return;
        }
        PeerId owner = state.keyOwners.get(keyId);
        if (owner != null && !owner.equals(sender)) {
            directory.count(state, sender, new GroupException(GroupRejection.FORGED, "another member's sender key"));
            return;
        }
        List<GroupStorage.Rows> rows = new ArrayList<>();
        if (owner == null) {
            state.putKey(sender, key);
            rows.add(storage.keyRow(state, sender, key));
        }
        SenderKey replaced = state.keys.get(grant.getReplacesKeyId());
        if (replaced != null && sender.equals(state.keyOwners.get(grant.getReplacesKeyId()))) {
            replaced.retire(grant.getReplacedKeyPosts());
            rows.add(storage.keyRow(state, sender, replaced));
        }
        storage.commit(GroupStorage.all(rows)).thenRun(() -> {
            control.acknowledge(sender, signalId);
            posts.retryPending(state, keyId);
            posts.reopenOpaque(state, sender, keyId);
        });
    }

    /** Takes in the grants that came before the ops that make their senders members of the group. */
    void takeEarlyGrants(GroupState state) {
        for (EarlyGrants.Early early : earlyGrants.takeUsable(state.id, state.membership::isMember)) {
            try {
                receiveGrant(early.sender(), early.signalId(), early.grant());
            } catch (GroupException e) {
                LOG.fine(() -> "refused a held sender key from " + early.sender().shortForm() + ": " + e.getMessage());
                neighbours.penalize(early.sender(), e.rejection().penalty(), "group control: " + e.rejection().label());
            }
        }
    }

    private static SenderKey.Step currentStep(GroupState state) {
        return new SenderKey.Step(state.ownKey.iteration(), state.ownKey.chainKey());
    }

    /** When the newest add of {@code peer} was made (by its admin's clock); 0 when no add names it. */
    private static long addedAt(GroupState state, PeerId peer) {
        return state.ops.values().stream()
                .filter(op -> op.kind() == MembershipOp.Kind.ADD && peer.equals(op.target()))
                .mapToLong(MembershipOp::atMillis).max().orElse(0);
    }

    /** Hands our sender key, from {@code from} on, to a member. */
    private void queueGrant(GroupState state, PeerId member, SenderKey.Step from, byte[] replaces, int replacedPosts) {
        SenderKeyGrant.Builder grant = grant(state.id, directory.self(), state.ownKey, from);
        if (replaces != null) {
            grant.setReplacesKeyId(ByteString.copyFrom(replaces)).setReplacedKeyPosts(replacedPosts);
        }
        outbox.queue(member, GroupSignal.newBuilder().setSenderKey(grant));
    }

    /** The grant of our key {@code key}, from step {@code from} on, as {@code owner} hands it out. */
    static SenderKeyGrant.Builder grant(GroupId group, PeerId owner, SenderKey key, SenderKey.Step from) {
        return SenderKeyGrant.newBuilder()
                .setGroupId(ByteString.copyFrom(group.bytes()))
                .setKeyId(ByteString.copyFrom(key.keyId()))
                .setIteration(from.iteration())
                .setChainKey(ByteString.copyFrom(from.chainKey()))
                .setOwnership(ByteString.copyFrom(key.ownership(group, owner)));
    }
}
