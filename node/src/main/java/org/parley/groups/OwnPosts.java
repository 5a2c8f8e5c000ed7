package org.parley.groups;

import com.google.protobuf.ByteString;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiConsumer;
import org.parley.identity.PeerId;
import org.parley.messaging.ConversationAction;
import org.parley.messaging.ConversationRules;
import org.parley.messaging.ReactionText;
import org.parley.overlay.gossip.GossipRouter;
import org.parley.proto.wire.v1.FileOffer;
import org.parley.proto.wire.v1.GroupText;
import org.parley.runtime.Clock;
import org.parley.store.ConversationRows;
import org.parley.store.GroupRows;

/**
 * Our own posts: sealed under our sender key with the log's next Lamport number and heads,
 * stored, then published on the group's topic and deposited with the topic's mailbox replicas.
 * A post carries a message (perhaps a reply) or a reaction, edit or deletion of an earlier one,
 * which is applied to our copy in the transaction that stores the post. Confined to the node's loop.
 */
final class OwnPosts {
    private final PeerId self;
    private final GroupDirectory directory;
    private final GroupStorage storage;
    private final GossipRouter gossip;
    private final Clock clock;
    private final SecureRandom random;
    private final List<GroupEvents> listeners;
    /** Hands each post we make to the replicas that hold a topic's posts for members who are away. */
    private BiConsumer<String, byte[]> depositor = (topic, post) -> { };

    OwnPosts(PeerId self, GroupDirectory directory, GroupStorage storage, GossipRouter gossip, Clock clock,
             SecureRandom random, List<GroupEvents> listeners) {
        this.self = self;
        this.directory = directory;
        this.storage = storage;
        this.gossip = gossip;
        this.clock = clock;
        this.random = random;
        this.listeners = listeners;
    }

    void depositWith(BiConsumer<String, byte[]> depositor) {
        this.depositor = depositor;
    }

    CompletableFuture<GroupMessageRecord> send(GroupId id, String text) {
        return send(id, text, Optional.empty());
    }

    /** Posts {@code text}, replying to the entry {@code replyTo} of the group's log when given. */
    CompletableFuture<GroupMessageRecord> send(GroupId id, String text, Optional<byte[]> replyTo) {
        GroupState state = directory.get(id);
        if (state == null || !state.joined()) {
            return notJoined(id, state);
        }
        Optional<String> problem = textProblem(text);
        if (problem.isPresent()) {
            return failed(GroupFailure.Reason.INVALID, problem.get());
        }
        if (replyTo.isEmpty()) {
            return post(state, text, Optional.empty(), null);
        }
        return storage.read(connection -> GroupRows.message(connection, id.bytes(), replyTo.get()).isPresent())
                .thenCompose(found -> found ? post(state, text, replyTo, null)
                        : failed(GroupFailure.Reason.NOT_FOUND, "no message " + HexFormat.of().formatHex(replyTo.get())
                        + " in group " + id));
    }

    /**
     * Posts {@code text} with a file offer: every member may fetch the file. The offer rides in the
     * post's ciphertext, under our sender key, like any text.
     */
    CompletableFuture<GroupMessageRecord> sendWithFile(GroupId id, String text, FileOffer offer) {
        GroupState state = directory.get(id);
        if (state == null || !state.joined()) {
            return notJoined(id, state);
        }
        Optional<String> problem = textProblem(text);
        if (problem.isPresent()) {
            return failed(GroupFailure.Reason.INVALID, problem.get());
        }
        return post(state, text, Optional.empty(), offer);
    }

    private CompletableFuture<GroupMessageRecord> post(GroupState state, String text, Optional<byte[]> replyTo,
                                                       FileOffer file) {
        if (!state.joined()) {
            return notJoined(state.id, state);
        }
        GroupText.Builder plain = GroupText.newBuilder().setText(text);
        replyTo.ifPresent(quoted -> plain.setReplyTo(ByteString.copyFrom(quoted)));
        if (file != null) {
            plain.setFile(file);
        }
        Sealed sealed = seal(state, plain, state.log.nextLamport());
        GroupMessageRecord record = new GroupMessageRecord(state.id, sealed.entryHex(), self, text, sealed.sentAt(),
                sealed.sentAt(), sealed.lamport(), replyTo.map(quoted -> new org.parley.messaging.Annotations(
                HexFormat.of().formatHex(quoted), false, false, List.of()))
                .orElse(org.parley.messaging.Annotations.NONE));
        GroupStorage.Rows entry = storage.entryRow(state, record, sealed.messageId(), sealed.parents(), sealed.post());
        // The key's step is stored before the post leaves: after a crash, a step already used is never used again.
        return storage.commitWithKey(connection -> {
            entry.write(connection);
            if (replyTo.isPresent()) {
                storage.ledger().reply(connection, ConversationRows.group(state.id.toString()),
                        HexFormat.of().parseHex(record.entryId()), replyTo.get());
            }
        }, storage.keyState(state, self, state.ownKey)).thenApply(ignored -> {
            publish(state, sealed.post());
            listeners.forEach(listener -> listener.groupMessageAdded(record));
            return record;
        });
    }

    /**
     * Reacts to, edits or deletes the message {@code target} of the group: checked against our
     * copy first (it must be there; only its author edits or deletes it), then posted like a
     * message and applied to our copy. Completes with the target as now shown.
     */
    CompletableFuture<GroupMessageRecord> act(GroupId id, ConversationAction.Kind kind, byte[] target, String value) {
        GroupState state = directory.get(id);
        if (state == null || !state.joined()) {
            return notJoined(id, state);
        }
        Optional<String> problem = switch (kind) {
            case REACTION -> ReactionText.problem(value);
            case EDIT -> textProblem(value);
            case DELETION -> Optional.empty();
        };
        if (problem.isPresent()) {
            return failed(GroupFailure.Reason.INVALID, problem.get());
        }
        String conversation = ConversationRows.group(id.toString());
        return storage.read(connection -> {
            Optional<GroupRows.Entry> entry = GroupRows.message(connection, id.bytes(), target);
            boolean deleted = ConversationRows.change(connection, conversation, target)
                    .map(ConversationRows.Change::deleted).orElse(false);
            return new Target(entry, deleted);
        }).thenCompose(found -> {
            if (found.entry().isEmpty()) {
                return failed(GroupFailure.Reason.NOT_FOUND, "no message " + HexFormat.of().formatHex(target)
                        + " in group " + id);
            }
            GroupRows.Entry entry = found.entry().get();
            if (kind != ConversationAction.Kind.REACTION && !entry.sender().equals(self.toString())) {
                return failed(GroupFailure.Reason.NOT_ALLOWED, "only its author can "
                        + (kind == ConversationAction.Kind.EDIT ? "edit" : "delete") + " a message");
            }
            if (found.deleted()) {
                return failed(GroupFailure.Reason.WRONG_STATE, "message " + HexFormat.of().formatHex(target)
                        + " was deleted");
            }
            return postAction(state, kind, entry, value);
        });
    }

    private record Target(Optional<GroupRows.Entry> entry, boolean deleted) {
    }

    private CompletableFuture<GroupMessageRecord> postAction(GroupState state, ConversationAction.Kind kind,
                                                             GroupRows.Entry target, String value) {
        if (!state.joined()) {
            return notJoined(state.id, state);
        }
        long lamport = state.log.nextLamport();
        byte[] actionId = new byte[16];
        random.nextBytes(actionId);
        ConversationAction action = new ConversationAction(kind, target.entryId(), value, lamport, actionId);
        Sealed sealed = seal(state, GroupText.newBuilder().setMessageId(ByteString.copyFrom(actionId))
                .setConversationAction(action.toProto()), lamport);
        state.actionEntries.add(ByteString.copyFrom(sealed.post().entryId()));
        GroupMessageRecord carrier = new GroupMessageRecord(state.id, sealed.entryHex(), self, "", sealed.sentAt(),
                sealed.sentAt(), sealed.lamport());
        GroupStorage.Rows entry = storage.entryRow(state, carrier, sealed.messageId(), sealed.parents(), sealed.post());
        GroupStorage.Rows key = storage.keyRow(state, self, state.ownKey);
        PeerId author = GroupActions.author(target);
        GroupMessageRecord[] changed = new GroupMessageRecord[1];
        return storage.commit(connection -> {
            entry.write(connection);
            ConversationRows.markActionEntry(connection, HexFormat.of().parseHex(carrier.entryId()));
            key.write(connection);
            ConversationRules.Verdict verdict = storage.ledger().apply(connection,
                    ConversationRows.group(state.id.toString()), action, self, Optional.of(author),
                    storage.eraser(state.id, target));
            if (verdict == ConversationRules.Verdict.APPLY) {
                changed[0] = storage.toRecord(connection, state.id,
                        GroupRows.message(connection, state.id.bytes(), target.entryId()).orElseThrow());
            }
        }).thenApply(ignored -> {
            publish(state, sealed.post());
            if (changed[0] == null) {
                throw new GroupFailure(GroupFailure.Reason.WRONG_STATE, "the message was deleted meanwhile");
            }
            listeners.forEach(listener -> listener.groupMessageChanged(changed[0]));
            return changed[0];
        });
    }

    /** A post sealed under our sender key, numbered after the log's heads, and added to the log. */
    private record Sealed(GroupPost post, String entryHex, byte[] messageId, long lamport, List<ByteString> parents,
                          long sentAt) {
    }

    /** {@code lamport} is the log's next number, {@code state.log.nextLamport()}, read by the caller. */
    private Sealed seal(GroupState state, GroupText.Builder plain, long lamport) {
        long now = clock.nowMillis();
        byte[] messageId;
        if (plain.getMessageId().isEmpty()) {
            messageId = new byte[16];
            random.nextBytes(messageId);
            plain.setMessageId(ByteString.copyFrom(messageId));
        } else {
            messageId = plain.getMessageId().toByteArray();
        }
        List<ByteString> parents = state.log.heads();
        plain.setSentAtMs(now).setLamport(lamport).addAllParents(parents);
        GroupPost post = state.ownKey.seal(plain.build().toByteArray(), state.id.bytes(), now, random);
        state.log.add(new GroupLog.Entry(ByteString.copyFrom(post.entryId()), lamport, parents));
        return new Sealed(post, HexFormat.of().formatHex(post.entryId()), messageId, lamport, parents, now);
    }

    private void publish(GroupState state, GroupPost post) {
        if (state.joined()) {
            byte[] payload = post.toBytes();
            gossip.publish(state.topic, payload);
            depositor.accept(state.topic, payload);
        }
    }

    private static Optional<String> textProblem(String text) {
        int size = text.getBytes(StandardCharsets.UTF_8).length;
        if (size > Groups.MAX_TEXT_BYTES) {
            return Optional.of("message is " + size + " bytes; the limit is " + Groups.MAX_TEXT_BYTES);
        }
        return text.isEmpty() ? Optional.of("message is empty") : Optional.empty();
    }

    private static <T> CompletableFuture<T> notJoined(GroupId id, GroupState state) {
        return failed(state == null ? GroupFailure.Reason.NOT_FOUND : GroupFailure.Reason.WRONG_STATE,
                "you have not joined group " + id);
    }

    private static <T> CompletableFuture<T> failed(GroupFailure.Reason reason, String message) {
        return CompletableFuture.failedFuture(new GroupFailure(reason, message));
    }
}
