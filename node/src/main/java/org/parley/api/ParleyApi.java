package org.parley.api;

import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * What a user can ask of their node: the single facade the CLI and the TUI program against. The
 * node implements it in process ({@code org.parley.node.LocalApi}); the control API carries it to
 * other processes ({@code org.parley.control.ControlClient}). Calls are safe from any thread.
 * Peer IDs and message IDs travel as text and are checked here, with one-line errors.
 */
public interface ParleyApi extends ConversationApi, SignalsApi {
    /** This node's public identity. */
    IdentityView identity() throws ApiException;

    /** Neighbours with a verified, established link, ordered by peer ID. */
    List<PeerView> peers() throws ApiException;

    /** Accepts a message; returns once it is durably in the outbox. */
    MessageView send(String peerId, String text) throws ApiException;

    /**
     * Offers a file to a peer: the node reads {@code path} (an absolute path on its machine),
     * seals it in chunks and sends the offer in a message; returns once that message is in the
     * outbox. The peer fetches the chunks from us (and any other holder) when it is online.
     */
    default MessageView sendFile(String peerId, String path) throws ApiException {
        throw new ApiException(ApiException.Kind.FAILED_PRECONDITION, "this node does not send files");
    }

    /** Up to {@code limit} messages with a peer, oldest first, ending before {@code beforeId}. */
    List<MessageView> history(String peerId, int limit, Optional<String> beforeId) throws ApiException;

    /**
     * Message requests: the newest message of each of up to {@code limit} peers who wrote without
     * being a contact (blocked peers left out), newest first.
     */
    List<MessageView> messageRequests(int limit) throws ApiException;

    ContactView addContact(String peerId, String name) throws ApiException;

    List<ContactView> contacts() throws ApiException;

    /** Forgets a contact; false when it was none. History stays. */
    boolean removeContact(String peerId) throws ApiException;

    /** Blocks a peer: its messages are dropped (and counted) from now on. */
    ContactView blockContact(String peerId) throws ApiException;

    /**
     * Offers to hold a contact's mail while it is away (its relay), or with {@code stop}
     * withdraws the offer. The contact accepts when its node hears the offer (now, or when a
     * link to it comes up) and it has added us as a contact.
     */
    void offerRelay(String peerId, boolean stop) throws ApiException;

    /**
     * Looks a peer's current record up in the DHT: where it listens now. Answers once the lookup
     * ends, found or not, within a few seconds.
     */
    LookupView lookup(String peerId) throws ApiException;

    /** Links, outbox and mailbox figures of the node. */
    StatusView status() throws ApiException;

    /** Founds a group with us as its first admin. */
    GroupView createGroup(String name) throws ApiException;

    /** Adds a peer to a group we administer (as an admin too, if asked) and sends the invitation. */
    GroupView inviteToGroup(String groupId, String peerId, boolean admin) throws ApiException;

    /** Groups we belong to, were invited to, left or were removed from. */
    List<GroupView> groups() throws ApiException;

    /** Accepts an invitation. */
    GroupView joinGroup(String groupId) throws ApiException;

    /** Posts to a group; returns once the message is stored (it then goes out). */
    GroupMessageView sendToGroup(String groupId, String text) throws ApiException;

    /**
     * Offers a file to a group: the node reads {@code path} (an absolute path on its machine) and
     * posts the offer; every member may fetch the file. Returns the post once it is stored.
     */
    default GroupMessageView sendFileToGroup(String groupId, String path) throws ApiException {
        throw new ApiException(ApiException.Kind.FAILED_PRECONDITION, "this node does not send files");
    }

    /** The last {@code limit} messages of a group, in log order (the same on every member). */
    default List<GroupMessageView> groupHistory(String groupId, int limit) throws ApiException {
        return groupHistory(groupId, limit, Optional.empty());
    }

    /** Up to {@code limit} messages of a group in log order, ending just before the entry {@code beforeEntryId}. */
    List<GroupMessageView> groupHistory(String groupId, int limit, Optional<String> beforeEntryId) throws ApiException;

    /** A group's members, ordered by peer ID. */
    List<GroupMemberView> groupMembers(String groupId) throws ApiException;

    /** Removes a member (admins only). */
    GroupView removeFromGroup(String groupId, String peerId) throws ApiException;

    /** Leaves a group, or declines an invitation. */
    GroupView leaveGroup(String groupId) throws ApiException;

    /** Reports every event from now on, until the returned handle is closed. */
    Subscription watch(Consumer<EventView> listener) throws ApiException;

    /**
     * Reports the events after the one whose cursor is {@code after} (if given), then a
     * {@link EventView#WATCHING} event, then every event from now on.
     *
     * @throws ApiException of kind {@link ApiException.Kind#OUT_OF_RANGE} when the node no longer
     *     holds the events after that cursor (it restarted, or more came since than it keeps):
     *     the client reloads what it shows and watches without a cursor
     */
    default Subscription watch(Optional<String> after, Consumer<EventView> listener) throws ApiException {
        if (after.isPresent()) {
            throw new ApiException(ApiException.Kind.OUT_OF_RANGE, "cursor too old: this node keeps no past events");
        }
        Subscription subscription = watch(listener);
        listener.accept(EventView.watching(""));
        return subscription;
    }

    /**
     * As {@link #watch(Optional, Consumer)}; {@code ended} is told once, with the reason, when the
     * stream ends other than by closing the returned handle (the node went away). A node in this
     * process never ends it.
     */
    default Subscription watch(Optional<String> after, Consumer<EventView> listener, Consumer<String> ended)
            throws ApiException {
        return watch(after, listener);
    }

    /** A registration that stops when closed. */
    interface Subscription extends AutoCloseable {
        @Override
        void close();
    }
}
