package org.parley.tui.app;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.parley.api.ApiException;
import org.parley.api.ContactView;
import org.parley.api.EventView;
import org.parley.api.GroupMemberView;
import org.parley.api.GroupMessageView;
import org.parley.api.GroupView;
import org.parley.api.IdentityView;
import org.parley.api.LookupView;
import org.parley.api.MessageView;
import org.parley.api.ParleyApi;
import org.parley.api.PeerView;
import org.parley.api.StatusView;
import org.parley.identity.PeerId;

/**
 * A node in memory behind the client API: contacts, requests, groups and histories the test sets
 * up, every call recorded by name, and {@link #failing} making every call fail as a stopped
 * daemon's would.
 */
final class FakeNode implements ParleyApi {
    static final String OWN_ID = peerId(1);

    final List<String> calls = new CopyOnWriteArrayList<>();
    final Map<String, ContactView> contacts = new LinkedHashMap<>();
    final List<MessageView> requests = new ArrayList<>();
    final Map<String, GroupView> groups = new LinkedHashMap<>();
    final Map<String, List<MessageView>> histories = new LinkedHashMap<>();
    final Map<String, List<GroupMessageView>> groupHistories = new LinkedHashMap<>();
    final List<PeerView> peers = new ArrayList<>();
    final List<Consumer<EventView>> watchers = new CopyOnWriteArrayList<>();
    volatile String failing;
    private final Map<Consumer<EventView>, Consumer<String>> watchEnds = new java.util.concurrent.ConcurrentHashMap<>();
    private int sent;

    /** A valid peer ID, different for each {@code n}. */
    static String peerId(int n) {
        byte[] key = new byte[32];
        Arrays.fill(key, (byte) n);
        return PeerId.fromPublicKey(key).toString();
    }

    static String groupId(int n) {
        return String.format("%064x", n);
    }

    static MessageView incoming(String id, String peerId, String text, long at) {
        return new MessageView(id, "in", peerId, text, at, at, "received", null, false, null);
    }

    static MessageView request(String id, String peerId, String text, long at) {
        return new MessageView(id, "in", peerId, text, at, at, "received", null, true, null);
    }

    void contact(String peerId, String name) {
        contacts.put(peerId, new ContactView(peerId, name, "contact", 0, Map.of()));
    }

    void group(String groupId, String name, String status) {
        groups.put(groupId, new GroupView(groupId, name, status, null, 2, true, 0, Map.of()));
    }

    /** Tells every watcher, as the node's event stream would. */
    void emit(EventView event) {
        watchers.forEach(watcher -> watcher.accept(event));
    }

    private void call(String name) throws ApiException {
        calls.add(name);
        if (failing != null) {
            throw new ApiException(failing);
        }
    }

    long count(String name) {
        return calls.stream().filter(name::equals).count();
    }

    @Override
    public org.parley.api.MarkedReadView markRead(String peerId, Optional<String> upToId) throws ApiException {
        call("markRead " + peerId);
        return new org.parley.api.MarkedReadView(null, false);
    }

    @Override
    public org.parley.api.MarkedReadView markGroupRead(String groupId, Optional<String> upTo) throws ApiException {
        call("markGroupRead " + groupId);
        return new org.parley.api.MarkedReadView(null, false);
    }

    @Override
    public boolean typing(String peerId, boolean active) throws ApiException {
        call("typing " + peerId + " " + active);
        return true;
    }

    @Override
    public boolean groupTyping(String groupId, boolean active) throws ApiException {
        call("groupTyping " + groupId + " " + active);
        return true;
    }

    @Override
    public IdentityView identity() throws ApiException {
        call("identity");
        return new IdentityView(OWN_ID, "me", "fp", List.of());
    }

    @Override
    public List<PeerView> peers() throws ApiException {
        call("peers");
        return List.copyOf(peers);
    }

    @Override
    public MessageView send(String peerId, String text) throws ApiException {
        call("send " + peerId + " " + text);
        return new MessageView("out-" + ++sent, "out", peerId, text, 1_000 + sent, null, "pending", null, false,
                null);
    }

    @Override
    public MessageView send(String peerId, String text, Optional<String> replyToId) throws ApiException {
        if (replyToId.isEmpty()) {
            return send(peerId, text);
        }
        call("send " + peerId + " " + text + " replying to " + replyToId.get());
        return new MessageView("out-" + ++sent, "out", peerId, text, 1_000 + sent, null, "pending", null, false,
                null, replyToId.get(), List.of(), false, false);
    }

    /** A message of a history as the node now shows it after a change; the test's own copy stays as it was. */
    private MessageView changedMessage(String peerId, String messageId, String text, boolean edited, boolean deleted,
                                       List<org.parley.api.ReactionView> reactions) throws ApiException {
        MessageView known = histories.getOrDefault(peerId, List.of()).stream()
                .filter(message -> message.id().equals(messageId)).findFirst()
                .orElseThrow(() -> new ApiException(ApiException.Kind.NOT_FOUND, "no message " + messageId));
        return new MessageView(known.id(), known.direction(), known.peerId(), text == null ? known.text() : text,
                known.sentAt(), known.receivedAt(), known.state(), known.reason(), known.request(), known.replicas(),
                known.replyTo(), reactions, edited, deleted);
    }

    @Override
    public MessageView react(String peerId, String messageId, String emoji) throws ApiException {
        call("react " + peerId + " " + messageId + " " + emoji);
        return changedMessage(peerId, messageId, null, false, false,
                emoji.isEmpty() ? List.of() : List.of(new org.parley.api.ReactionView(OWN_ID, emoji)));
    }

    @Override
    public MessageView edit(String peerId, String messageId, String text) throws ApiException {
        call("edit " + peerId + " " + messageId + " " + text);
        return changedMessage(peerId, messageId, text, true, false, List.of());
    }

    @Override
    public MessageView delete(String peerId, String messageId) throws ApiException {
        call("delete " + peerId + " " + messageId);
        return changedMessage(peerId, messageId, "", false, true, List.of());
    }

    @Override
    public GroupMessageView deleteInGroup(String groupId, String entryId) throws ApiException {
        call("deleteInGroup " + groupId + " " + entryId);
        GroupMessageView known = groupHistories.getOrDefault(groupId, List.of()).stream()
                .filter(message -> message.entryId().equals(entryId)).findFirst()
                .orElseThrow(() -> new ApiException(ApiException.Kind.NOT_FOUND, "no message " + entryId));
        return new GroupMessageView(groupId, entryId, known.senderId(), "", known.sentAt(), known.receivedAt(),
                known.lamport(), null, List.of(), false, true);
    }

    @Override
    public MessageView sendFile(String peerId, String path) throws ApiException {
        call("sendFile " + peerId + " " + path);
        return new MessageView("out-" + ++sent, "out", peerId, "[file] " + path, 1_000 + sent, null, "pending", null,
                false, null);
    }

    @Override
    public List<MessageView> history(String peerId, int limit, Optional<String> beforeId) throws ApiException {
        call("history " + peerId + " " + limit + beforeId.map(before -> " before " + before).orElse(""));
        return page(histories.getOrDefault(peerId, List.of()), limit, beforeId, MessageView::id);
    }

    @Override
    public List<MessageView> messageRequests(int limit) throws ApiException {
        call("messageRequests");
        return List.copyOf(requests);
    }

    @Override
    public ContactView addContact(String peerId, String name) throws ApiException {
        call("addContact " + peerId + " " + name);
        contact(peerId, name);
        return contacts.get(peerId);
    }

    @Override
    public List<ContactView> contacts() throws ApiException {
        call("contacts");
        return List.copyOf(contacts.values());
    }

    @Override
    public boolean removeContact(String peerId) throws ApiException {
        call("removeContact " + peerId);
        return contacts.remove(peerId) != null;
    }

    @Override
    public ContactView blockContact(String peerId) throws ApiException {
        call("blockContact " + peerId);
        ContactView blocked = new ContactView(peerId, "", "blocked", 0, Map.of());
        contacts.put(peerId, blocked);
        return blocked;
    }

    @Override
    public void offerRelay(String peerId, boolean stop) throws ApiException {
        call("offerRelay " + peerId);
    }

    @Override
    public LookupView lookup(String peerId) throws ApiException {
        call("lookup " + peerId);
        throw new ApiException("no lookups here");
    }

    @Override
    public StatusView status() throws ApiException {
        call("status");
        return new StatusView(OWN_ID, peers.size(), 3, 1, 0, 0, 0, List.of(), Map.of(), "unknown", List.of(), null);
    }

    @Override
    public GroupView createGroup(String name) throws ApiException {
        call("createGroup " + name);
        String id = groupId(groups.size() + 100);
        group(id, name, "joined");
        return groups.get(id);
    }

    @Override
    public GroupView inviteToGroup(String groupId, String peerId, boolean admin) throws ApiException {
        call("inviteToGroup " + groupId + " " + peerId);
        return groups.get(groupId);
    }

    @Override
    public List<GroupView> groups() throws ApiException {
        call("groups");
        return List.copyOf(groups.values());
    }

    @Override
    public GroupView joinGroup(String groupId) throws ApiException {
        call("joinGroup " + groupId);
        GroupView group = groups.get(groupId);
        group(groupId, group.name(), "joined");
        return groups.get(groupId);
    }

    @Override
    public GroupMessageView sendFileToGroup(String groupId, String path) throws ApiException {
        call("sendFileToGroup " + groupId + " " + path);
        return new GroupMessageView(groupId, String.format("%064x", 9_000 + ++sent), OWN_ID, "[file] " + path,
                2_000 + sent, 2_000 + sent, sent).withFile(new org.parley.api.FileView(path, 1, "00".repeat(32),
                "offered", path, 1, 1, null));
    }

    @Override
    public GroupMessageView sendToGroup(String groupId, String text) throws ApiException {
        call("sendToGroup " + groupId + " " + text);
        return new GroupMessageView(groupId, String.format("%064x", 9_000 + ++sent), OWN_ID, text, 2_000 + sent,
                2_000 + sent, sent);
    }

    @Override
    public List<GroupMessageView> groupHistory(String groupId, int limit, Optional<String> beforeEntryId)
            throws ApiException {
        call("groupHistory " + groupId + " " + limit + beforeEntryId.map(before -> " before " + before).orElse(""));
        return page(groupHistories.getOrDefault(groupId, List.of()), limit, beforeEntryId, GroupMessageView::entryId);
    }

    @Override
    public List<GroupMemberView> groupMembers(String groupId) throws ApiException {
        call("groupMembers " + groupId);
        return List.of(new GroupMemberView(OWN_ID, true));
    }

    @Override
    public GroupView removeFromGroup(String groupId, String peerId) throws ApiException {
        call("removeFromGroup " + groupId + " " + peerId);
        return groups.get(groupId);
    }

    @Override
    public GroupView leaveGroup(String groupId) throws ApiException {
        call("leaveGroup " + groupId);
        GroupView group = groups.get(groupId);
        group(groupId, group.name(), "left");
        return groups.get(groupId);
    }

    @Override
    public Subscription watch(Consumer<EventView> listener) throws ApiException {
        call("watch");
        watchers.add(listener);
        return () -> watchers.remove(listener);
    }

    @Override
    public Subscription watch(Optional<String> after, Consumer<EventView> listener, Consumer<String> ended)
            throws ApiException {
        Subscription watching = watch(after, listener);
        watchEnds.put(listener, ended);
        return () -> {
            watchEnds.remove(listener);
            watching.close();
        };
    }

    /** Stops as a daemon does: every call fails from now on and every watch ends, telling why. */
    void stop(String reason) {
        failing = reason;
        watchers.clear();
        List<Consumer<String>> ending = List.copyOf(watchEnds.values());
        watchEnds.clear();
        ending.forEach(ended -> ended.accept(reason));
    }

    /** The {@code limit} newest items before {@code before} (all when empty), oldest first. */
    private static <T> List<T> page(List<T> all, int limit, Optional<String> before,
                                    java.util.function.Function<T, String> id) {
        int end = all.size();
        if (before.isPresent()) {
            end = 0;
            while (end < all.size() && !id.apply(all.get(end)).equals(before.get())) {
                end++;
            }
        }
        return List.copyOf(all.subList(Math.max(0, end - limit), end));
    }
}
