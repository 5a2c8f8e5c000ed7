package org.parley.cli;

/**
 * A failure to report to the user as one line, with a non-zero exit: 2 for a mistake in how the
 * command was called that only its own checks find (values out of range, options that do not go
 * together), 1 for anything else.
 */
public final class CliException extends Exception {
    private final boolean usage;

    public CliException(String message) {
        this(message, null, false);
    }

    public CliException(String message, Throwable cause) {
        this(message, cause, false);
    }

    private CliException(String message, Throwable cause, boolean usage) {
        super(message, cause);
        this.usage = usage;
    }

    /** The command was called wrongly. */
    public static CliException usage(String message) {
        return new CliException(message, null, true);
    }

    /** The command was called wrongly, as {@code cause} found. */
    public static CliException usage(String message, Throwable cause) {
        return new CliException(message, cause, true);
    }

    public boolean isUsage() {
        return usage;
    }
}
