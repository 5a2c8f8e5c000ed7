package org.parley.api;

/**
 * Something that happened, as {@code watch} reports it.
 *
 * @param type {@code "message"} (sent or received), {@code "update"} (relayed, delivered or failed)
 *     or {@code "group"} (a group message posted or received)
 * @param message the direct message, for {@code "message"} and {@code "update"}; else null
 * @param groupMessage the group message, for {@code "group"}; else null
 */
public record EventView(String type, MessageView message, GroupMessageView groupMessage) {
    public static final String MESSAGE = "message";
    public static final String UPDATE = "update";
    public static final String GROUP = "group";

    /** An event about a direct message. */
    public EventView(String type, MessageView message) {
        this(type, message, null);
    }
}
