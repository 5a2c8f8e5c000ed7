package org.parley.cli;

/** A failure to report to the user as one line, with a non-zero exit. */
final class CliException extends Exception {
    CliException(String message) {
        super(message);
    }

    CliException(String message, Throwable cause) {
        super(message, cause);
    }
}
