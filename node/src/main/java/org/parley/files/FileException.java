package org.parley.files;

/** A file offer or file request that cannot be taken: one line for the user or the log. */
public final class FileException extends Exception {
    public FileException(String message) {
        super(message);
    }

    public FileException(String message, Throwable cause) {
        super(message, cause);
    }
}
