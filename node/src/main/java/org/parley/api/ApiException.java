package org.parley.api;

/** A request the node could not serve; the message is one line fit to show the user. */
public class ApiException extends Exception {
    public ApiException(String message) {
        super(message);
    }

    public ApiException(String message, Throwable cause) {
        super(message, cause);
    }
}
