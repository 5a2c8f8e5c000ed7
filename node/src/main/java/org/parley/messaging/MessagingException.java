package org.parley.messaging;

/** A request messaging cannot carry out; the message is one line for the user. */
public final class MessagingException extends RuntimeException {
    public MessagingException(String message) {
        super(message);
    }
}
