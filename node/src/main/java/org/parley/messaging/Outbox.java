package org.parley.messaging;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.parley.identity.PeerId;
import org.parley.messaging.OutboxItem.Stage;

/**
 * The outbox as a state machine, without I/O: events come in (a message accepted, its row
 * stored, a link up, a receipt, a timer's tick, a replica's answer), {@link OutboxAction}s go out,
 * and facts the outbox cannot see (can the peer's session encrypt, is the peer linked, the time)
 * come with the events. Its runner performs the actions and reports their outcome as events.
 *
 * <p>Per peer, messages leave in the order they were accepted: nothing is sealed past a message
 * waiting for a session, nothing is sent past one that is not sealed and stored, and no more than
 * {@code sendWindow} are in flight. Events for an item that has ended (its receipt came, it
 * failed) are ignored: they are late, not wrong. Our own storage reporting an item in a stage it
 * cannot be in is a bug and throws {@link IllegalStateException}.
 */
final class Outbox {
    private final int sendWindow;
    private final long retryMillis;
    private final Map<PeerId, PeerQueue> queues = new HashMap<>();

    /** One peer's items in acceptance order, and how many of them are in flight. */
    private static final class PeerQueue {
        final LinkedHashMap<MessageId, OutboxItem> items = new LinkedHashMap<>();
        int inFlight;
    }

    Outbox(int sendWindow, long retryMillis) {
        if (sendWindow < 1) {
            throw new IllegalArgumentException("the send window must hold at least one message");
        }
        this.sendWindow = sendWindow;
        this.retryMillis = retryMillis;
    }

    // ---------------------------------------------------------------- events

    /**
     * The user's message (or action), whose row is being stored; {@code sealed} if it went through
     * the ratchet already.
     */
    OutboxItem accept(MessageRecord record, boolean action, byte[] content, long expiresAtMillis, boolean sealed) {
        OutboxItem item = new OutboxItem(record, action, content, expiresAtMillis,
                sealed ? Stage.STORING_SEALED : Stage.STORING, DeliveryState.PENDING, null);
        add(item);
        return item;
    }

    /**
     * A message loaded from the outbox table, committed; null (and nothing kept) when its stored
     * state is no outbox state.
     */
    OutboxItem restore(MessageRecord record, boolean action, byte[] content, long expiresAtMillis, byte[] envelope) {
        DeliveryState state = DeliveryState.fromStored(record.state()).orElse(null);
        if (state == null || state.isFinal()) {
            return null;
        }
        OutboxItem item = new OutboxItem(record, action, content, expiresAtMillis,
                envelope == null ? Stage.UNSEALED : Stage.READY, state, envelope);
        add(item);
        return item;
    }

    private void add(OutboxItem item) {
        PeerQueue queue = queues.computeIfAbsent(item.peer(), peer -> new PeerQueue());
        if (queue.items.putIfAbsent(item.id(), item) != null) {
            throw new IllegalStateException("message " + item.id() + " is in the outbox already");
        }
    }

    /** The accepted message's row is committed, with {@code envelope} if it was sealed on acceptance. */
    List<OutboxAction> stored(OutboxItem item, byte[] envelope, boolean canSeal, boolean linked) {
        switch (item.stage()) {
            case STORING -> {
                if (envelope != null) {
                    throw new IllegalStateException("an unsealed message was stored with an envelope");
                }
                item.moveTo(Stage.UNSEALED);
            }
            case STORING_SEALED -> {
                if (envelope == null) {
                    throw new IllegalStateException("a sealed message was stored without its envelope");
                }
                item.setEnvelope(envelope);
                item.moveTo(Stage.READY);
            }
            default -> throw new IllegalStateException("message " + item.id() + " stored twice (" + item.stage() + ")");
        }
        return flush(item.peer(), canSeal, linked);
    }

    /** The accepted message's row could not be stored: it was never in the outbox as far as anyone knows. */
    void storeFailed(OutboxItem item) {
        if (item.stage().committed()) {
            throw new IllegalStateException("message " + item.id() + " was stored already");
        }
        remove(item);
        item.end(Stage.FAILED, DeliveryState.FAILED, "not stored", null);
    }

    /**
     * Seals what waited for a session (if {@code canSeal}) and sends what the window has room for
     * (if {@code linked}).
     */
    List<OutboxAction> flush(PeerId peer, boolean canSeal, boolean linked) {
        PeerQueue queue = queues.get(peer);
        if (queue == null) {
            return List.of();
        }
        List<OutboxAction> actions = new ArrayList<>();
        if (canSeal) {
            for (OutboxItem item : queue.items.values()) {
                if (item.stage() == Stage.UNSEALED) {
                    item.moveTo(Stage.SEALING);
                    actions.add(new OutboxAction.Seal(item));
                }
            }
        }
        pump(queue, linked, actions);
        return actions;
    }

    /** The ratchet could not seal the item, or its envelope could not be stored: it waits to be sealed again. */
    void sealFailed(OutboxItem item) {
        if (item.stage().ended()) {
            return;
        }
        if (item.stage() != Stage.SEALING) {
            throw new IllegalStateException("message " + item.id() + " was not being sealed (" + item.stage() + ")");
        }
        item.moveTo(Stage.UNSEALED);
    }

    /** The item's envelope is committed: it may leave. */
    List<OutboxAction> sealStored(OutboxItem item, byte[] envelope, boolean linked) {
        if (item.stage().ended()) {
            return List.of();
        }
        if (item.stage() != Stage.SEALING) {
            throw new IllegalStateException("message " + item.id() + " was not being sealed (" + item.stage() + ")");
        }
        item.setEnvelope(envelope);
        item.moveTo(Stage.READY);
        List<OutboxAction> actions = new ArrayList<>();
        pump(queues.get(item.peer()), linked, actions);
        return actions;
    }

    /** A new link to {@code peer}: everything unacknowledged counts as unsent, for the old link may have lost it. */
    List<OutboxAction> linkUp(PeerId peer, boolean canSeal, java.util.function.Predicate<byte[]> readable) {
        PeerQueue queue = queues.get(peer);
        if (queue == null) {
            return List.of();
        }
        for (OutboxItem item : queue.items.values()) {
            if (item.stage() == Stage.IN_FLIGHT) {
                item.moveTo(Stage.READY);
            }
            if (item.stage() == Stage.READY && !readable.test(item.envelope())) {
                // Sealed in a version the peer's Hello says it does not read: sealed again.
                item.setEnvelope(null);
                item.moveTo(Stage.UNSEALED);
            }
        }
        queue.inFlight = 0;
        return flush(peer, canSeal, true);
    }

    /** The link took the item's envelope at {@code nowMillis}. */
    void sent(OutboxItem item, long nowMillis) {
        if (item.stage() == Stage.IN_FLIGHT) {
            item.sentAt(nowMillis);
        }
    }

    /** The link refused the item's envelope: it leaves the window and goes next time. */
    void notSent(OutboxItem item) {
        if (item.stage() == Stage.IN_FLIGHT) {
            leaveWindow(item);
            item.moveTo(Stage.READY);
        }
    }

    /**
     * The retry timer: fails what has expired, resends what a peer has not acknowledged for a
     * retry interval, then flushes every peer.
     */
    List<OutboxAction> tick(long nowMillis, Predicate<PeerId> canSeal, Predicate<PeerId> linked) {
        List<OutboxAction> actions = new ArrayList<>();
        for (Map.Entry<PeerId, PeerQueue> entry : new ArrayList<>(queues.entrySet())) {
            PeerId peer = entry.getKey();
            boolean peerLinked = linked.test(peer);
            for (OutboxItem item : new ArrayList<>(entry.getValue().items.values())) {
                if (item.stage().committed() && item.expiresAtMillis() <= nowMillis) {
                    actions.add(fail(item, "expired"));
                } else if (peerLinked && item.stage() == Stage.IN_FLIGHT
                        && nowMillis - item.lastSentMillis() >= retryMillis) {
                    actions.add(new OutboxAction.Transmit(item));
                }
            }
            actions.addAll(flush(peer, canSeal.test(peer), peerLinked));
        }
        return actions;
    }

    /** Which of the messages a receipt from {@code peer} names are ours and committed (each once). */
    List<OutboxItem> acknowledged(PeerId peer, Collection<MessageId> ids) {
        PeerQueue queue = queues.get(peer);
        if (queue == null) {
            return List.of();
        }
        List<OutboxItem> items = new ArrayList<>();
        for (MessageId id : ids) {
            OutboxItem item = queue.items.get(id);
            if (item != null && item.stage().committed() && !items.contains(item)) {
                items.add(item);
            }
        }
        return items;
    }

    /** The delivered state of {@code items} (from {@link #acknowledged}) is committed: they leave the outbox. */
    List<OutboxAction> delivered(PeerId peer, List<OutboxItem> items, long nowMillis, boolean linked) {
        List<OutboxAction> actions = new ArrayList<>();
        for (OutboxItem item : items) {
            if (item.stage().ended()) {
                continue; // a receipt for it committed already, or it failed meanwhile
            }
            remove(item);
            item.end(Stage.DELIVERED, DeliveryState.DELIVERED, null, nowMillis);
            if (!item.carriesAction()) {
                actions.add(new OutboxAction.Announce(item.record()));
            }
        }
        PeerQueue queue = queues.get(peer);
        if (queue != null) {
            pump(queue, linked, actions);
        }
        return actions;
    }

    /** {@code replicas} mailbox replicas hold the message: relayed until its receipt. Late or repeated words are ignored. */
    List<OutboxAction> relayed(PeerId peer, MessageId id, int replicas) {
        OutboxItem item = find(peer, id);
        if (item == null || item.state() != DeliveryState.PENDING || !item.stage().sendable()) {
            return List.of();
        }
        item.relayedTo(replicas);
        return List.of(new OutboxAction.StoreRelayed(item, replicas));
    }

    /** A message still in the outbox is now shown as {@code shown} (edited, reacted to): later updates carry that. */
    void shownAs(MessageRecord shown) {
        OutboxItem item = find(shown.peer(), shown.id());
        if (item != null && !item.carriesAction()) {
            item.showAs(shown);
        }
    }

    // ---------------------------------------------------------------- queries

    /** Sealed, stored, pending messages to peers that are not linked, oldest first per peer. */
    List<OutboxItem> awaitingRelay(Predicate<PeerId> linked) {
        List<OutboxItem> items = new ArrayList<>();
        queues.forEach((peer, queue) -> {
            if (!linked.test(peer)) {
                queue.items.values().stream()
                        .filter(item -> item.stage().sendable() && item.state() == DeliveryState.PENDING)
                        .forEach(items::add);
            }
        });
        return items;
    }

    OutboxItem find(PeerId peer, MessageId id) {
        PeerQueue queue = queues.get(peer);
        return queue == null ? null : queue.items.get(id);
    }

    int size() {
        return queues.values().stream().mapToInt(queue -> queue.items.size()).sum();
    }

    /** Messages of {@code peer} sent on its current link and not acknowledged. */
    int inFlight(PeerId peer) {
        PeerQueue queue = queues.get(peer);
        return queue == null ? 0 : queue.inFlight;
    }

    Stream<OutboxItem> relayedItems() {
        return queues.values().stream().flatMap(queue -> queue.items.values().stream())
                .filter(item -> item.state() == DeliveryState.RELAYED);
    }

    Set<PeerId> waitingPeers() {
        Set<PeerId> waiting = new HashSet<>();
        queues.forEach((peer, queue) -> {
            if (!queue.items.isEmpty()) {
                waiting.add(peer);
            }
        });
        return waiting;
    }

    // ---------------------------------------------------------------- transitions

    /** Sends, oldest first, the stored envelopes the window has room for; stops at the first that is not ready. */
    private void pump(PeerQueue queue, boolean linked, List<OutboxAction> actions) {
        if (!linked) {
            return;
        }
        for (OutboxItem item : queue.items.values()) {
            if (queue.inFlight >= sendWindow) {
                break;
            }
            if (item.stage() == Stage.IN_FLIGHT) {
                continue;
            }
            if (item.stage() != Stage.READY) {
                break;
            }
            item.moveTo(Stage.IN_FLIGHT);
            queue.inFlight++;
            actions.add(new OutboxAction.Transmit(item));
        }
    }

    private OutboxAction fail(OutboxItem item, String reason) {
        remove(item);
        item.end(Stage.FAILED, DeliveryState.FAILED, reason, null);
        return new OutboxAction.StoreFailed(item, reason);
    }

    private void remove(OutboxItem item) {
        leaveWindow(item);
        PeerQueue queue = queues.get(item.peer());
        queue.items.remove(item.id());
        if (queue.items.isEmpty()) {
            queues.remove(item.peer());
        }
    }

    private void leaveWindow(OutboxItem item) {
        if (item.stage() == Stage.IN_FLIGHT) {
            queues.get(item.peer()).inFlight--;
        }
    }
}
