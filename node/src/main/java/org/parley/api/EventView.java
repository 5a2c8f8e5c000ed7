package org.parley.api;

/**
 * Something that happened, as {@code watch} reports it.
 *
 * @param type {@code "message"} (sent or received) or {@code "update"} (relayed, delivered or failed)
 */
public record EventView(String type, MessageView message) {
    public static final String MESSAGE = "message";
    public static final String UPDATE = "update";
}
