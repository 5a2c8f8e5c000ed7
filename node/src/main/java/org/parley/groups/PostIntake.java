package org.parley.groups;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Set;
import org.parley.identity.PeerId;
import org.parley.link.Misbehaviour;
import org.parley.messaging.Annotations;
import org.parley.messaging.ConversationAction;
import org.parley.messaging.ConversationRules;
import org.parley.store.ConversationRows;
import org.parley.store.GroupRows;
import org.parley.proto.wire.v1.GroupText;
import org.parley.runtime.Clock;
import org.parley.runtime.Scheduler;

/**
 * Takes in other members' posts, from the topic, from back-fill or from mailbox replicas; each
 * must be numbered in order of its parents ({@link #checkOrder}). A post
 * whose sender key has not reached us waits in memory for a while ({@link Groups#PENDING_LIFETIME},
 * at most {@link Groups#MAX_PENDING_POSTS}); a back-filled one is also remembered as opaque by
 * key, so that it is asked for again and read when the key comes, however late. Confined to the
 * node's loop.
 */
final class PostIntake {
    private static final long MAX_LAMPORT = 1L << 53;

    private final GroupDirectory directory;
    private final GroupStorage storage;
    private final OneShotSignal control;
    private final Clock clock;
    private final Scheduler scheduler;
    private final List<GroupEvents> listeners;
    private final PostVerifier verifier;
    /** Where file offers in posts go; null on a node that takes no files (their posts are kept as text). */
    private GroupFileIntake fileOffers;

    PostIntake(GroupDirectory directory, GroupStorage storage, OneShotSignal control, Clock clock, Scheduler scheduler,
               List<GroupEvents> listeners, PostVerifier verifier) {
        this.directory = directory;
        this.storage = storage;
        this.control = control;
        this.clock = clock;
        this.scheduler = scheduler;
        this.listeners = listeners;
        this.verifier = verifier;
    }

    void takeFileOffersWith(GroupFileIntake intake) {
        this.fileOffers = intake;
    }

    /**
     * Takes in a post from the topic ({@code via} null) or from a member's back-fill: parsed and
     * its signature checked by the {@link PostVerifier} (off the loop on a node), then
     * {@link #take taken in} on the loop, a group's posts in the order they came here.
     */
    void receive(GroupState state, byte[] bytes, PeerId via, boolean backfilled) {
        verifier.verify(state.id, bytes, checked -> {
            // The group may have been left, or joined anew, while the post was checked.
            if (directory.get(state.id) == state && state.joined()) {
                take(state, checked, via, backfilled);
            }
        });
    }

    /**
     * Checks, in order: shape, replay, sender key known (else held until the key arrives), its
     * owner still a member, signature (verified before, off the loop), stale key, decryption,
     * content, Lamport number; then stores entry and key state in one transaction.
     */
    private void take(GroupState state, CheckedPost checked, PeerId via, boolean backfilled) {
        if (checked.malformed() != null) {
            directory.count(state, via, checked.malformed());
            return;
        }
        GroupPost post = checked.post();
        ByteString entryId = ByteString.copyFrom(post.entryId());
        // An opaque entry goes through again: its key may have come since.
        if (state.log.hasRead(entryId)) {
            if (!backfilled) {
                directory.count(state, via, new GroupException(Misbehaviour.REPLAYED, "post seen before"));
            }
            return;
        }
        ByteString keyId = ByteString.copyFrom(post.keyId());
        SenderKey key = state.keys.get(keyId);
        if (key == null) {
            hold(state, entryId, new GroupState.PendingPost(checked, keyId, clock.nowMillis(), via));
            if (backfilled) {
                state.log.addOpaque(entryId);
                if (state.opaqueWaiting < Groups.MAX_OPAQUE_AWAITING_KEY
                        && state.opaqueByKey.computeIfAbsent(keyId, id -> new LinkedHashSet<>()).add(entryId)) {
                    state.opaqueWaiting++;
                }
            }
            return;
        }
        PeerId sender = state.keyOwners.get(keyId);
        if (key.isOwn()) {
            return; // one of ours, which the log already holds unless it was lost with a crash
        }
        GroupText text;
        byte[] plaintext;
        try {
            if (!state.membership.isMember(sender)) {
                throw new GroupException(Misbehaviour.NOT_A_MEMBER, "post from a non-member");
            }
            if (!checked.signatureValid()) {
                throw new GroupException(Misbehaviour.FORGED, "post signature does not verify");
            }
            if (key.isStale(post.iteration())) {
                throw new GroupException(Misbehaviour.STALE_KEY, "post under a sender key replaced since");
            }
            plaintext = key.open(post, state.id.bytes());
        } catch (GroupException e) {
            if (e.rejection() == Misbehaviour.BEFORE_KEY) {
                state.log.addOpaque(entryId);
            } else {
                directory.count(state, via, e);
            }
            return;
        }
        ConversationAction action;
        try {
            text = checkedText(plaintext);
            checkOrder(state.log, text);
            action = text.hasConversationAction() ? GroupActions.parse(text) : null;
        } catch (GroupException e) {
            directory.count(state, via, e);
            storage.commit(storage.keyRow(state, sender, key));
            return;
        }
        GroupLog.Entry entry = new GroupLog.Entry(entryId, text.getLamport(), text.getParentsList());
        state.log.add(entry);
        if (text.hasConversationAction()) {
            state.actionEntries.add(entryId);
        }
        String entryHex = HexFormat.of().formatHex(post.entryId());
        Annotations annotations = text.getReplyTo().isEmpty() ? Annotations.NONE
                : new Annotations(HexFormat.of().formatHex(text.getReplyTo().toByteArray()), false, false, List.of());
        GroupMessageRecord record = new GroupMessageRecord(state.id, entryHex, sender,
                text.getText(), text.getSentAtMs(), clock.nowMillis(), text.getLamport(), annotations);
        GroupStorage.Rows entryRow = storage.entryRow(state, record, text.getMessageId().toByteArray(),
                text.getParentsList(), post);
        String conversation = ConversationRows.group(state.id.toString());
        ActionOutcome outcome = new ActionOutcome();
        storage.commitWithKey(connection -> {
            entryRow.write(connection);
            if (text.hasConversationAction()) {
                ConversationRows.markActionEntry(connection, post.entryId());
                outcome.apply(connection, state, conversation, action, sender);
            } else {
                if (annotations.replyTo() != null) {
                    storage.ledger().reply(connection, conversation, post.entryId(), text.getReplyTo().toByteArray());
                }
                outcome.release(connection, state, conversation, post.entryId(), sender);
            }
            if (text.hasFile() && fileOffers != null) {
                fileOffers.store(connection, state.id, sender, post.entryId(), text.getFile(), record.receivedAtMillis());
            }
        }, storage.keyState(state, sender, key)).thenRun(() -> {
            if (text.hasFile() && fileOffers != null) {
                fileOffers.stored(state.id, sender, post.entryId(), text.getFile());
            }
            if (!text.hasConversationAction()) {
                GroupMessageRecord shown = outcome.changed != null ? outcome.changed : record;
                listeners.forEach(listener -> listener.groupMessageAdded(shown));
                outcome.reportReleased(state, sender);
            } else {
                outcome.report(state, sender);
            }
            askForMissingParents(state, text.getParentsList(), via != null ? via : sender, via != null);
        });
    }

    /** A member's reaction, edit or deletion: judged and written with its post, reported after the commit. */
    private final class ActionOutcome {
        private ConversationRules.Verdict verdict;
        private GroupMessageRecord changed;
        private long heldMisbehaved;

        void apply(Connection connection, GroupState state, String conversation, ConversationAction action,
                   PeerId sender) throws SQLException {
            Optional<GroupRows.Entry> target = GroupRows.message(connection, state.id.bytes(), action.target());
            if (target.isEmpty()) {
                // Perhaps a gossip path or back-fill brings its message later: judged when it comes.
                storage.held().hold(connection, conversation, action, sender, clock.nowMillis());
                verdict = ConversationRules.Verdict.UNKNOWN_TARGET;
                return;
            }
            verdict = storage.ledger().apply(connection, conversation, action, sender,
                    target.map(GroupActions::author), storage.eraser(state.id, target.get()));
            if (verdict == ConversationRules.Verdict.APPLY) {
                changed = storage.toRecord(connection, state.id,
                        GroupRows.message(connection, state.id.bytes(), action.target()).orElseThrow());
            }
        }

        /** Applies the actions held for a message just stored; {@code changed} is it as shown if any did. */
        void release(Connection connection, GroupState state, String conversation, byte[] entryId, PeerId author)
                throws SQLException {
            GroupRows.Entry entry = GroupRows.message(connection, state.id.bytes(), entryId).orElseThrow();
            List<ConversationRules.Verdict> verdicts = storage.held().release(connection, conversation, entryId, author,
                    storage.eraser(state.id, entry), clock.nowMillis());
            heldMisbehaved = verdicts.stream().filter(ConversationRules.Verdict::misbehaved).count();
            if (verdicts.contains(ConversationRules.Verdict.APPLY)) {
                changed = storage.toRecord(connection, state.id,
                        GroupRows.message(connection, state.id.bytes(), entryId).orElseThrow());
            }
        }

        /** Held actions that were not their senders' to make count as if they had just come. */
        void reportReleased(GroupState state, PeerId author) {
            for (long i = 0; i < heldMisbehaved; i++) {
                directory.count(state, null, new GroupException(Misbehaviour.NOT_ALLOWED,
                        "a held change of a message " + author.shortForm() + " wrote, by another member"));
            }
        }

        void report(GroupState state, PeerId sender) {
            if (verdict == ConversationRules.Verdict.APPLY) {
                listeners.forEach(listener -> listener.groupMessageChanged(changed));
            } else if (verdict != null && verdict.misbehaved()) {
                // The sender key's signature names the culprit; whoever relayed the post is not one.
                directory.count(state, null, new GroupException(Misbehaviour.NOT_ALLOWED,
                        "a change of a message " + sender.shortForm() + " did not write"));
            }
        }
    }

    /**
     * Asks for the parents of a post we do not hold. A live post's parents are often still on their
     * way over another gossip path (posts made in quick succession overtake each other), so those
     * are asked for only if still missing after {@link Groups#PARENTS_GRACE}; a back-filled post's
     * are asked for at once, since whoever sent it is filling our gap now.
     */
    private void askForMissingParents(GroupState state, List<ByteString> parents, PeerId from, boolean backfilling) {
        List<ByteString> missing = parents.stream().filter(id -> !state.log.holds(id)).toList();
        if (missing.isEmpty()) {
            return;
        }
        if (backfilling) {
            control.requestBackfill(state, from, missing);
            return;
        }
        scheduler.schedule(Groups.PARENTS_GRACE, () -> control.requestBackfill(state, from,
                missing.stream().filter(id -> !state.log.holds(id)).toList()));
    }

    /** The decrypted content of a post, if it is in shape. */
    static GroupText checkedText(byte[] plaintext) throws GroupException {
        GroupText text;
        try {
            text = GroupText.parseFrom(plaintext);
        } catch (InvalidProtocolBufferException e) {
            throw new GroupException(Misbehaviour.MALFORMED, "post content does not parse");
        }
        if (text.getMessageId().size() != 16 || text.getLamport() < 1 || text.getLamport() > MAX_LAMPORT
                || text.getParentsCount() > GroupLog.MAX_PARENTS
                || text.getParentsList().stream().anyMatch(id -> id.size() != 32)
                // A post carries a text (perhaps a reply) or an action, never both nor neither.
                || text.getText().isEmpty() != text.hasConversationAction()
                // A file rides only with a text.
                || (text.hasFile() && text.hasConversationAction())
                || (!text.getReplyTo().isEmpty()
                    && (text.hasConversationAction() || text.getReplyTo().size() != GroupActions.ENTRY_ID_SIZE))) {
            throw new GroupException(Misbehaviour.MALFORMED, "post content out of shape");
        }
        if (text.getTextBytes().size() > Groups.MAX_TEXT_BYTES) {
            throw new GroupException(Misbehaviour.TOO_LARGE, "post text over the limit");
        }
        if (text.hasConversationAction()) {
            GroupActions.parse(text);
        }
        return text;
    }

    /**
     * A post's Lamport number must be one above its largest parent's (1 with no parents): its
     * sender cannot place it before the posts it says it has seen, nor so far ahead that the
     * posts after it would pass the limit. Parents we do not hold readable (gaps, entries from
     * before we joined) cannot be checked; those we hold still bound the number from below.
     */
    static void checkOrder(GroupLog log, GroupText text) throws GroupException {
        long expected = 1;
        boolean allHeld = true;
        for (ByteString parent : text.getParentsList()) {
            OptionalLong lamport = log.lamportOf(parent);
            if (lamport.isPresent()) {
                expected = Math.max(expected, lamport.getAsLong() + 1);
            } else {
                allHeld = false;
            }
        }
        if (allHeld ? text.getLamport() != expected : text.getLamport() < expected) {
            throw new GroupException(Misbehaviour.OUT_OF_ORDER, "post numbered " + text.getLamport()
                    + (allHeld ? ", its parents make it " : ", its parents make it at least ") + expected);
        }
    }

    /** Posts that waited for a key that has now arrived. */
    void retryPending(GroupState state, ByteString keyId) {
        List<Map.Entry<ByteString, GroupState.PendingPost>> ready = new ArrayList<>();
        for (Map.Entry<ByteString, GroupState.PendingPost> entry : state.pending.entrySet()) {
            if (entry.getValue().keyId().equals(keyId)) {
                ready.add(entry);
            }
        }
        for (Map.Entry<ByteString, GroupState.PendingPost> entry : ready) {
            state.pending.remove(entry.getKey());
            take(state, entry.getValue().post(), entry.getValue().via(), false);
        }
    }

    /**
     * Entries back-filled as opaque before their key came, which are no longer waiting in memory
     * (that lasts {@link Groups#PENDING_LIFETIME}): gaps again, asked of the key's owner, who wrote
     * them, and of linked members at the next beats, and read when they come back.
     */
    void reopenOpaque(GroupState state, PeerId owner, ByteString keyId) {
        Set<ByteString> ids = state.opaqueByKey.remove(keyId);
        if (ids == null) {
            return;
        }
        state.opaqueWaiting -= ids.size();
        List<ByteString> unread = ids.stream().filter(id -> !state.log.hasRead(id)).toList();
        unread.forEach(state.log::forgetOpaque);
        control.requestBackfill(state, owner, unread);
    }

    /** Drops the posts whose key did not come in time. */
    void expirePending(GroupState state, long now) {
        Iterator<GroupState.PendingPost> posts = state.pending.values().iterator();
        while (posts.hasNext()) {
            GroupState.PendingPost post = posts.next();
            if (now - post.receivedAtMillis() >= Groups.PENDING_LIFETIME.toMillis()) {
                posts.remove();
                directory.count(state, post.via(), new GroupException(Misbehaviour.UNKNOWN_KEY, "no sender key came"));
            }
        }
    }

    private void hold(GroupState state, ByteString entryId, GroupState.PendingPost post) {
        state.pending.put(entryId, post);
        while (state.pending.size() > Groups.MAX_PENDING_POSTS) {
            Iterator<GroupState.PendingPost> oldest = state.pending.values().iterator();
            GroupState.PendingPost dropped = oldest.next();
            oldest.remove();
            directory.count(state, dropped.via(), new GroupException(Misbehaviour.UNKNOWN_KEY, "no sender key came"));
        }
    }
}
