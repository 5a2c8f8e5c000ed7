package org.parley.api;

/**
 * Something that happened, as {@code watch} reports it. Exactly the field its type names is set.
 *
 * @param type what happened: one of the constants below
 * @param message the direct message, for {@code "message"}, {@code "update"} and {@code "message_changed"}; else null
 * @param groupMessage the group message, for {@code "group"} and {@code "group_message_changed"}; else null
 * @param contact the contact as it is now, for {@code "contact"} (status {@code "removed"} once removed); else null
 * @param group the group as it is now, for {@code "invitation"} and {@code "group_changed"}; else null
 * @param peer the neighbour, for {@code "linked"} and {@code "unlinked"} (then only its peer ID); else null
 * @param outbox the outbox counts, for {@code "outbox"}; else null
 * @param file the file and the message that offered it, for {@code "file"}; else null
 * @param read how far a contact read our messages, for {@code "read"}; else null
 * @param typing a contact started or stopped typing, for {@code "typing"}; else null
 * @param cursor where the event stands in the node's stream: watch from it to get what came after
 */
public record EventView(String type, MessageView message, GroupMessageView groupMessage, ContactView contact,
                        GroupView group, PeerView peer, OutboxView outbox, FileEventView file, ReadView read,
                        TypingView typing, String cursor) {
    /** The stream is live: every event before this one was replayed. Carries only a cursor. */
    public static final String WATCHING = "watching";
    public static final String MESSAGE = "message";
    public static final String UPDATE = "update";
    public static final String GROUP = "group";
    public static final String CONTACT = "contact";
    public static final String INVITATION = "invitation";
    public static final String GROUP_CHANGED = "group_changed";
    public static final String LINKED = "linked";
    public static final String UNLINKED = "unlinked";
    /** A direct message was reacted to, edited or deleted: the message as now shown. */
    public static final String MESSAGE_CHANGED = "message_changed";
    /** A group message was reacted to, edited or deleted: the message as now shown. */
    public static final String GROUP_MESSAGE_CHANGED = "group_message_changed";
    /** The outbox counts changed. */
    public static final String OUTBOX = "outbox";
    /** A file's state or progress changed. */
    public static final String FILE = "file";
    /** A contact read our messages up to one (decision 0053). */
    public static final String READ = "read";
    /** A contact started or stopped typing to us (decision 0053). */
    public static final String TYPING = "typing";

    /** An event about anything but read receipts and typing. */
    public EventView(String type, MessageView message, GroupMessageView groupMessage, ContactView contact,
                     GroupView group, PeerView peer, OutboxView outbox, FileEventView file, String cursor) {
        this(type, message, groupMessage, contact, group, peer, outbox, file, null, null, cursor);
    }

    /** An event about anything but the outbox. */
    public EventView(String type, MessageView message, GroupMessageView groupMessage, ContactView contact,
                     GroupView group, PeerView peer, String cursor) {
        this(type, message, groupMessage, contact, group, peer, null, null, cursor);
    }

    /** An event about a direct message. */
    public EventView(String type, MessageView message) {
        this(type, message, null);
    }

    /** An event about a direct or a group message, not yet placed in a stream. */
    public EventView(String type, MessageView message, GroupMessageView groupMessage) {
        this(type, message, groupMessage, null, null, null, "");
    }

    public static EventView contact(ContactView contact) {
        return new EventView(CONTACT, null, null, contact, null, null, "");
    }

    /** An invitation when the group's status is {@code "invited"}; any other change otherwise. */
    public static EventView group(GroupView group) {
        return new EventView("invited".equals(group.status()) ? INVITATION : GROUP_CHANGED, null, null, null, group,
                null, "");
    }

    public static EventView link(boolean up, PeerView peer) {
        return new EventView(up ? LINKED : UNLINKED, null, null, null, null, peer, "");
    }

    public static EventView outbox(OutboxView counts) {
        return new EventView(OUTBOX, null, null, null, null, null, counts, null, "");
    }

    public static EventView file(FileEventView file) {
        return new EventView(FILE, null, null, null, null, null, null, file, "");
    }

    public static EventView read(ReadView read) {
        return new EventView(READ, null, null, null, null, null, null, null, read, null, "");
    }

    public static EventView typing(TypingView typing) {
        return new EventView(TYPING, null, null, null, null, null, null, null, null, typing, "");
    }

    public static EventView watching(String cursor) {
        return new EventView(WATCHING, null, null, null, null, null, cursor);
    }

    /** The same event at its place in a stream. */
    public EventView at(String newCursor) {
        return new EventView(type, message, groupMessage, contact, group, peer, outbox, file, read, typing, newCursor);
    }
}
