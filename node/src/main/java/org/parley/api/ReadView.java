package org.parley.api;

/**
 * How far a contact read our messages, as {@code watch} reports it (event {@code "read"}).
 *
 * @param upTo the newest of our messages it read: every one we sent it before counts as read too
 * @param readAt when its receipt came, in milliseconds since the epoch
 */
public record ReadView(String peerId, String upTo, long readAt) {
}
