package org.parley.cli;

/** A failure to report to the user as one line, with a non-zero exit. */
public final class CliException extends Exception {
    public CliException(String message) {
        super(message);
    }

    public CliException(String message, Throwable cause) {
        super(message, cause);
    }
}
