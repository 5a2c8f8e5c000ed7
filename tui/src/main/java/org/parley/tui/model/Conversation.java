package org.parley.tui.model;

/**
 * One entry of the conversation list: a contact, a message request (someone who wrote but is no
 * contact), a group, or an invitation to one. Direct conversations are keyed by the peer ID, groups
 * and invitations by the group ID.
 *
 * @param online whether the peer is a linked neighbour (groups: whether any member is)
 * @param muted whether the user muted it: no bell, and its unread messages stay out of the total
 */
public record Conversation(Kind kind, String id, String title, int unread, boolean online, boolean muted) {
    public enum Kind {
        CONTACT, REQUEST, GROUP, INVITATION
    }

    public Conversation withUnread(int count) {
        return new Conversation(kind, id, title, count, online, muted);
    }

    public Conversation withOnline(boolean linked) {
        return new Conversation(kind, id, title, unread, linked, muted);
    }

    public Conversation withTitle(String name) {
        return new Conversation(kind, id, name, unread, online, muted);
    }

    public Conversation withKind(Kind newKind) {
        return new Conversation(newKind, id, title, unread, online, muted);
    }

    public Conversation withMuted(boolean silenced) {
        return new Conversation(kind, id, title, unread, online, silenced);
    }

    /** Direct conversations (contacts and requests) are with one peer, whose ID is {@link #id}. */
    public boolean isDirect() {
        return kind == Kind.CONTACT || kind == Kind.REQUEST;
    }

    /** Groups and invitations to them, whose {@link #id} is the group ID. */
    public boolean isGroup() {
        return !isDirect();
    }
}
