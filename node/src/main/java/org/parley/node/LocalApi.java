package org.parley.node;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.parley.files.FileException;
import org.parley.files.FileTransfers;
import org.parley.api.GroupMemberView;
import org.parley.api.GroupMessageView;
import org.parley.api.GroupView;
import org.parley.groups.GroupId;
import org.parley.groups.Groups;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import org.parley.api.ApiException;
import org.parley.api.ContactView;
import org.parley.api.DisplayNames;
import org.parley.api.EventView;
import org.parley.api.IdentityView;
import org.parley.api.LookupView;
import org.parley.api.MessageView;
import org.parley.api.ParleyApi;
import org.parley.api.PeerView;
import org.parley.api.PortMappingView;
import org.parley.api.StatusView;
import org.parley.overlay.reachability.Reachability;
import org.parley.identity.Fingerprint;
import org.parley.identity.Identity;
import org.parley.identity.PeerId;
import org.parley.link.HostPort;
import org.parley.link.LinkManager;
import org.parley.mailbox.Mailbox;
import org.parley.api.MarkedReadView;
import org.parley.messaging.ContactRecord;
import org.parley.messaging.ConversationSignals;
import org.parley.messaging.MessageId;
import org.parley.messaging.MessageRecord;
import org.parley.messaging.UserMessaging;
import org.parley.overlay.dht.DhtService;
import org.parley.overlay.dht.LookupResult;
import org.parley.runtime.Scheduler;

/**
 * The {@link ParleyApi} of a node in this process: every call hops onto the node's loop. Over 400
 * lines and kept whole on purpose: it is one short method per call of the API, each only moving
 * the call onto the loop and its answer into the API's views, so splitting it would split the
 * API's list of calls, not a job.
 */
final class LocalApi implements ParleyApi {
    /** The most history one call returns, so a client cannot make the node load everything. */
    static final int MAX_HISTORY = 1000;

    private final Identity identity;
    private final LoopCalls calls;
    private final LinkManager links;
    private final UserMessaging messenger;
    private final DhtService dht;
    private final Mailbox mailbox;
    private final Groups groups;
    private final WatchHub watchers;

    private volatile NodeReachability reachability;
    private volatile FileTransfers files;
    /** How long a sent file may take to be hashed and sealed (a large file on a slow disk). */
    private static final Duration SEND_FILE_TIMEOUT = Duration.ofMinutes(10);

    LocalApi(Identity identity, LoopCalls calls, LinkManager links, UserMessaging messenger, DhtService dht,
             Mailbox mailbox, Groups groups, WatchHub watchers) {
        this.mailbox = mailbox;
        this.dht = dht;
        this.groups = groups;
        this.identity = identity;
        this.calls = calls;
        this.links = links;
        this.messenger = messenger;
        this.watchers = watchers;
    }

    @Override
    public IdentityView identity() throws ApiException {
        List<String> addresses = calls.call(
                () -> links.listenAddresses().stream().map(HostPort::toString).toList());
        return new IdentityView(identity.peerId().toString(), identity.name(),
                Fingerprint.of(identity.peerId()), addresses);
    }

    @Override
    public List<PeerView> peers() throws ApiException {
        return calls.call(() -> links.connectedPeers().stream().map(Views::of).toList());
    }

    @Override
    public MessageView send(String peerId, String text) throws ApiException {
        PeerId peer = Views.peerId(peerId);
        return Views.of(calls.await(() -> messenger.send(peer, text)));
    }

    @Override
    public MessageView send(String peerId, String text, Optional<String> replyToId) throws ApiException {
        PeerId peer = Views.peerId(peerId);
        Optional<MessageId> replyTo = replyToId.isPresent() ? Optional.of(Views.messageId(replyToId.get()))
                : Optional.empty();
        return Views.of(calls.await(() -> messenger.send(peer, text, replyTo)));
    }

    @Override
    public MessageView react(String peerId, String messageId, String emoji) throws ApiException {
        PeerId peer = Views.peerId(peerId);
        MessageId target = Views.messageId(messageId);
        return Views.of(calls.await(() -> messenger.react(peer, target, emoji)));
    }

    @Override
    public MessageView edit(String peerId, String messageId, String text) throws ApiException {
        PeerId peer = Views.peerId(peerId);
        MessageId target = Views.messageId(messageId);
        return Views.of(calls.await(() -> messenger.edit(peer, target, text)));
    }

    @Override
    public MessageView delete(String peerId, String messageId) throws ApiException {
        PeerId peer = Views.peerId(peerId);
        MessageId target = Views.messageId(messageId);
        return Views.of(calls.await(() -> messenger.delete(peer, target)));
    }

    @Override
    public List<MessageView> history(String peerId, int limit, Optional<String> beforeId) throws ApiException {
        PeerId peer = Views.peerId(peerId);
        if (limit < 1 || limit > MAX_HISTORY) {
            throw new ApiException(ApiException.Kind.INVALID_ARGUMENT, "limit must be between 1 and " + MAX_HISTORY);
        }
        Optional<MessageId> before = beforeId.isPresent() ? Optional.of(Views.messageId(beforeId.get()))
                : Optional.empty();
        return withFiles(calls.await(() -> messenger.history(peer, limit, before)));
    }

    /** Where files are sent and fetched; until set (a node without files), offers show as text only. */
    void serveFilesWith(FileTransfers transfers) {
        this.files = transfers;
    }

    @Override
    public MessageView sendFile(String peerId, String path) throws ApiException {
        PeerId peer = Views.peerId(peerId);
        FileTransfers transfers = files;
        if (transfers == null) {
            return ParleyApi.super.sendFile(peerId, path);
        }
        Path file = absolute(path);
        CompletableFuture<MessageRecord> sent = calls.call(() -> transfers.send(peer, file));
        return withFiles(List.of(awaitFile(sent))).get(0);
    }

    private static Path absolute(String path) throws ApiException {
        Path file = Path.of(path);
        if (!file.isAbsolute()) {
            throw new ApiException(ApiException.Kind.INVALID_ARGUMENT, "the daemon needs an absolute path, not " + path);
        }
        return file;
    }

    /** Waits for a file to be hashed and its offer sent. */
    private static <T> T awaitFile(CompletableFuture<T> sent) throws ApiException {
        try {
            return sent.get(SEND_FILE_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof FileException refused) {
                throw new ApiException(ApiException.Kind.FAILED_PRECONDITION, refused.getMessage(), refused);
            }
            throw Refusals.of(cause);
        } catch (TimeoutException e) {
            throw new ApiException(ApiException.Kind.DEADLINE_EXCEEDED, "the file was not ready within "
                    + SEND_FILE_TIMEOUT.toSeconds() + " s");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ApiException(ApiException.Kind.UNAVAILABLE, "interrupted while sending a file");
        }
    }

    /** The views of {@code records}, each with the file it offered, if any. */
    private List<MessageView> withFiles(List<MessageRecord> records) throws ApiException {
        FileAttachments attachments = new FileAttachments(files);
        return calls.call(() -> records.stream().map(attachments::view).toList());
    }

    @Override
    public ContactView addContact(String peerId, String name) throws ApiException {
        PeerId peer = Views.peerId(peerId);
        String checked = DisplayNames.check(name);
        ContactView added = told(contactView(calls.await(() -> messenger.addContact(peer, checked))));
        FileTransfers transfers = files;
        if (transfers != null && "contact".equals(added.status())) {
            // An accepted message request: the files it offered are fetched now.
            calls.call(() -> {
                transfers.acceptedFrom(peer);
                return null;
            });
        }
        return added;
    }

    /** Contacts change only through these calls, so they tell the watchers themselves. */
    private ContactView told(ContactView contact) {
        watchers.publish(EventView.contact(contact));
        return contact;
    }

    @Override
    public List<ContactView> contacts() throws ApiException {
        return calls.call(() -> messenger.contacts().stream()
                .map(contact -> Views.of(contact, messenger.signals().switchesOf(contact.peer()))).toList());
    }

    @Override
    public boolean removeContact(String peerId) throws ApiException {
        PeerId peer = Views.peerId(peerId);
        boolean removed = calls.await(() -> messenger.removeContact(peer));
        if (removed) {
            told(new ContactView(peer.toString(), "", "removed", 0, java.util.Map.of()));
        }
        return removed;
    }

    @Override
    public ContactView blockContact(String peerId) throws ApiException {
        PeerId peer = Views.peerId(peerId);
        return told(contactView(calls.await(() -> messenger.block(peer))));
    }

    /** A contact as it is, with its switches: read on the loop. */
    private ContactView contactView(ContactRecord contact) throws ApiException {
        return calls.call(() -> Views.of(contact, messenger.signals().switchesOf(contact.peer())));
    }

    @Override
    public ContactView setSignals(String peerId, Optional<Boolean> readReceipts, Optional<Boolean> typing)
            throws ApiException {
        PeerId peer = Views.peerId(peerId);
        calls.await(() -> messenger.signals().setSwitches(peer, readReceipts, typing));
        ContactRecord contact = calls.call(() -> messenger.contacts().stream()
                .filter(known -> known.peer().equals(peer)).findFirst().orElse(null));
        if (contact == null) {
            throw new ApiException(ApiException.Kind.FAILED_PRECONDITION, peerId + " is not a contact: add it first");
        }
        return told(contactView(contact));
    }

    @Override
    public MarkedReadView markRead(String peerId, Optional<String> upToId) throws ApiException {
        PeerId peer = Views.peerId(peerId);
        Optional<MessageId> upTo = upToId.isPresent() ? Optional.of(Views.messageId(upToId.get())) : Optional.empty();
        ConversationSignals.Marked marked = calls.await(() -> messenger.signals().markRead(peer, upTo));
        return new MarkedReadView(marked.upTo().map(MessageId::toString).orElse(null), marked.receiptSent());
    }

    @Override
    public boolean typing(String peerId, boolean active) throws ApiException {
        PeerId peer = Views.peerId(peerId);
        return calls.call(() -> messenger.signals().typing(peer, active));
    }

    @Override
    public void offerRelay(String peerId, boolean stop) throws ApiException {
        PeerId peer = Views.peerId(peerId);
        boolean done = calls.call(() -> {
            if (stop) {
                mailbox.withdrawRelay(peer);
                return true;
            }
            if (!messenger.isContact(peer)) {
                return false;
            }
            mailbox.offerRelay(peer);
            return true;
        });
        if (!done) {
            throw new ApiException(ApiException.Kind.FAILED_PRECONDITION, peerId + " is not a contact: add it first");
        }
    }

    @Override
    public LookupView lookup(String peerId) throws ApiException {
        PeerId peer = Views.peerId(peerId);
        LookupResult result = calls.await(() -> dht.lookup(peer));
        LookupView.RecordView record = result.record()
                .map(found -> new LookupView.RecordView(found.addresses().stream().map(HostPort::toString).toList(),
                        found.sequence(), found.expiresAtMillis(),
                        found.relays().stream().map(PeerId::toString).toList(),
                        found.linkRelays().stream().map(PeerId::toString).toList()))
                .orElse(null);
        return new LookupView(peer.toString(), record != null, record, result.hops(), result.queries());
    }

    @Override
    public List<MessageView> messageRequests(int limit) throws ApiException {
        if (limit < 1 || limit > MAX_HISTORY) {
            throw new ApiException(ApiException.Kind.INVALID_ARGUMENT, "limit must be between 1 and " + MAX_HISTORY);
        }
        return withFiles(calls.await(() -> messenger.messageRequests(limit)));
    }

    /** Where {@link #status} takes reachability from; until set, it says "unknown". */
    void reportReachability(NodeReachability checks) {
        this.reachability = checks;
    }

    @Override
    public StatusView status() throws ApiException {
        NodeReachability checks = reachability;
        return calls.call(() -> new StatusView(identity.peerId().toString(), links.connectedPeers().size(),
                messenger.outboxSize(), messenger.relayedCount(), messenger.bytesHeldByReplicas(),
                mailbox.bytesHeldForOthers(), mailbox.envelopesHeldForOthers(),
                mailbox.relaysForUs().stream().map(PeerId::toString).toList(),
                mailbox.relayingFor().entrySet().stream().collect(java.util.stream.Collectors.toMap(
                        entry -> entry.getKey().toString(), java.util.Map.Entry::getValue)),
                checks == null ? Reachability.UNKNOWN.label() : checks.reachability().label(),
                checks == null ? List.of() : checks.observedAddresses(),
                checks == null ? null : checks.portMapping().map(mapping -> new PortMappingView(
                        mapping.protocol().label(), mapping.external().toString())).orElse(null)));
    }

    @Override
    public GroupView createGroup(String name) throws ApiException {
        String checked = DisplayNames.check(name);
        return Views.of(calls.await(() -> groups.create(checked)));
    }

    @Override
    public GroupView inviteToGroup(String groupId, String peerId, boolean admin) throws ApiException {
        GroupId group = Views.groupId(groupId);
        PeerId peer = Views.peerId(peerId);
        return Views.of(calls.await(() -> groups.invite(group, peer, admin)));
    }

    @Override
    public List<GroupView> groups() throws ApiException {
        return calls.call(groups::groups).stream().map(Views::of).toList();
    }

    @Override
    public boolean setGroupTyping(String groupId, Optional<Boolean> on) throws ApiException {
        GroupId group = Views.groupId(groupId);
        return calls.await(() -> groups.setTyping(group, on));
    }

    @Override
    public boolean setGroupReadReceipts(String groupId, Optional<Boolean> on) throws ApiException {
        GroupId group = Views.groupId(groupId);
        return calls.await(() -> groups.setReadReceipts(group, on));
    }

    @Override
    public MarkedReadView markGroupRead(String groupId, Optional<String> upToEntryId) throws ApiException {
        GroupId group = Views.groupId(groupId);
        Optional<byte[]> upTo = upToEntryId.isPresent() ? Optional.of(entryId(upToEntryId.get())) : Optional.empty();
        Groups.ReadMarked marked = calls.await(() -> groups.markRead(group, upTo));
        return new MarkedReadView(marked.upTo().orElse(null), marked.sent());
    }

    @Override
    public boolean groupTyping(String groupId, boolean active) throws ApiException {
        GroupId group = Views.groupId(groupId);
        return calls.call(() -> groups.typing(group, active));
    }

    @Override
    public GroupView joinGroup(String groupId) throws ApiException {
        GroupId group = Views.groupId(groupId);
        return Views.of(calls.await(() -> groups.join(group)));
    }

    @Override
    public GroupMessageView sendToGroup(String groupId, String text) throws ApiException {
        GroupId group = Views.groupId(groupId);
        return Views.of(calls.await(() -> groups.send(group, text)));
    }

    @Override
    public GroupMessageView sendToGroup(String groupId, String text, Optional<String> replyToEntryId)
            throws ApiException {
        GroupId group = Views.groupId(groupId);
        Optional<byte[]> replyTo = replyToEntryId.isPresent() ? Optional.of(entryId(replyToEntryId.get()))
                : Optional.empty();
        return Views.of(calls.await(() -> groups.send(group, text, replyTo)));
    }

    @Override
    public GroupMessageView reactInGroup(String groupId, String entryId, String emoji) throws ApiException {
        GroupId group = Views.groupId(groupId);
        byte[] target = entryId(entryId);
        return Views.of(calls.await(() -> groups.react(group, target, emoji)));
    }

    @Override
    public GroupMessageView editInGroup(String groupId, String entryId, String text) throws ApiException {
        GroupId group = Views.groupId(groupId);
        byte[] target = entryId(entryId);
        return Views.of(calls.await(() -> groups.edit(group, target, text)));
    }

    @Override
    public GroupMessageView deleteInGroup(String groupId, String entryId) throws ApiException {
        GroupId group = Views.groupId(groupId);
        byte[] target = entryId(entryId);
        return Views.of(calls.await(() -> groups.delete(group, target)));
    }

    @Override
    public List<GroupMessageView> groupHistory(String groupId, int limit, Optional<String> beforeEntryId)
            throws ApiException {
        GroupId group = Views.groupId(groupId);
        if (limit < 1 || limit > MAX_HISTORY) {
            throw new ApiException(ApiException.Kind.INVALID_ARGUMENT, "limit must be between 1 and " + MAX_HISTORY);
        }
        Optional<byte[]> before = beforeEntryId.isPresent() ? Optional.of(entryId(beforeEntryId.get()))
                : Optional.empty();
        return withGroupFiles(calls.await(() -> groups.history(group, limit, before)));
    }

    /** The views of {@code records}, each with the file it offered, if any. */
    private List<GroupMessageView> withGroupFiles(List<org.parley.groups.GroupMessageRecord> records)
            throws ApiException {
        FileAttachments attachments = new FileAttachments(files);
        return calls.call(() -> records.stream().map(record -> attachments.view(record)
                .withReadBy(groups.readBy(record).stream().map(PeerId::toString).toList())).toList());
    }

    @Override
    public GroupMessageView sendFileToGroup(String groupId, String path) throws ApiException {
        GroupId group = Views.groupId(groupId);
        FileTransfers transfers = files;
        if (transfers == null) {
            return ParleyApi.super.sendFileToGroup(groupId, path);
        }
        Path file = absolute(path);
        CompletableFuture<org.parley.groups.GroupMessageRecord> sent = calls.call(
                () -> transfers.sendToGroup(group, file));
        return withGroupFiles(List.of(awaitFile(sent))).get(0);
    }

    /** A group log entry ID as text: 64 hex digits. */
    private static byte[] entryId(String text) throws ApiException {
        if (!text.matches("[0-9a-fA-F]{64}")) {
            throw new ApiException(ApiException.Kind.INVALID_ARGUMENT, "a group message ID is 64 hex digits");
        }
        return java.util.HexFormat.of().parseHex(text);
    }

    @Override
    public List<GroupMemberView> groupMembers(String groupId) throws ApiException {
        GroupId group = Views.groupId(groupId);
        List<GroupMemberView> members = new ArrayList<>();
        calls.await(() -> groups.members(group))
                .forEach((peer, admin) -> members.add(new GroupMemberView(peer.toString(), admin)));
        return members;
    }

    @Override
    public GroupView removeFromGroup(String groupId, String peerId) throws ApiException {
        GroupId group = Views.groupId(groupId);
        PeerId peer = Views.peerId(peerId);
        return Views.of(calls.await(() -> groups.remove(group, peer)));
    }

    @Override
    public GroupView leaveGroup(String groupId) throws ApiException {
        GroupId group = Views.groupId(groupId);
        return Views.of(calls.await(() -> groups.leave(group)));
    }

    @Override
    public Subscription watch(Consumer<EventView> listener) {
        return watchers.add(listener);
    }

    @Override
    public Subscription watch(Optional<String> after, Consumer<EventView> listener) throws ApiException {
        return watchers.add(after, listener);
    }
}
