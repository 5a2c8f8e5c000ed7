package org.parley.groups;

import com.google.protobuf.ByteString;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiConsumer;
import org.parley.identity.PeerId;
import org.parley.overlay.gossip.GossipRouter;
import org.parley.proto.wire.v1.GroupText;
import org.parley.runtime.Clock;

/**
 * Our own posts: sealed under our sender key with the log's next Lamport number and heads,
 * stored, then published on the group's topic and deposited with the topic's mailbox replicas.
 * Confined to the node's loop.
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
        GroupState state = directory.get(id);
        if (state == null || !state.joined()) {
            return failed(state == null ? GroupFailure.Reason.NOT_FOUND : GroupFailure.Reason.WRONG_STATE,
                    "you have not joined group " + id);
        }
        int size = text.getBytes(StandardCharsets.UTF_8).length;
        if (size > Groups.MAX_TEXT_BYTES) {
            return failed(GroupFailure.Reason.INVALID, "message is " + size + " bytes; the limit is " + Groups.MAX_TEXT_BYTES);
        }
        if (text.isEmpty()) {
            return failed(GroupFailure.Reason.INVALID, "message is empty");
        }
        long now = clock.nowMillis();
        byte[] messageId = new byte[16];
        random.nextBytes(messageId);
        long lamport = state.log.nextLamport();
        List<ByteString> parents = state.log.heads();
        GroupText plain = GroupText.newBuilder()
                .setMessageId(ByteString.copyFrom(messageId))
                .setSentAtMs(now)
                .setLamport(lamport)
                .addAllParents(parents)
                .setText(text)
                .build();
        GroupPost post = state.ownKey.seal(plain.toByteArray(), id.bytes(), now, random);
        ByteString entryId = ByteString.copyFrom(post.entryId());
        state.log.add(new GroupLog.Entry(entryId, lamport, parents));
        GroupMessageRecord record = new GroupMessageRecord(id, HexFormat.of().formatHex(post.entryId()), self, text,
                now, now, lamport);
        byte[] payload = post.toBytes();
        // The key's step is stored before the post leaves: after a crash, a step already used is never used again.
        return storage.commitWithKey(storage.entryRow(state, record, messageId, parents, post),
                storage.keyState(state, self, state.ownKey)).thenApply(ignored -> {
            if (state.joined()) {
                gossip.publish(state.topic, payload);
                depositor.accept(state.topic, payload);
            }
            listeners.forEach(listener -> listener.groupMessageAdded(record));
            return record;
        });
    }

    private static <T> CompletableFuture<T> failed(GroupFailure.Reason reason, String message) {
        return CompletableFuture.failedFuture(new GroupFailure(reason, message));
    }
}
