package org.parley.cli;

import org.parley.api.PrintableText;
import org.parley.groups.GroupException;
import org.parley.groups.GroupId;
import org.parley.identity.InvalidPeerIdException;
import org.parley.identity.PeerId;
import org.parley.link.DialTarget;
import org.parley.link.HostPort;
import org.parley.files.FileConfig;
import org.parley.mailbox.MailboxConfig;
import org.parley.messaging.MessageId;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Parses typed arguments, turning every mistake into one line that says what was wrong. */
final class Converters {
    private Converters() {
    }

    static final class PeerIdConverter implements ITypeConverter<PeerId> {
        @Override
        public PeerId convert(String value) {
            try {
                return PeerId.parse(value);
            } catch (InvalidPeerIdException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }

    /** A direct message's ID (32 hex digits): a mistyped one is refused before the daemon is asked. */
    static final class MessageIdConverter implements ITypeConverter<String> {
        @Override
        public String convert(String value) {
            try {
                return MessageId.parse(value).toString();
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(PrintableText.oneLine(e.getMessage()));
            }
        }
    }

    /** A group log entry's ID (64 hex digits): a mistyped one is refused before the daemon is asked. */
    static final class EntryIdConverter implements ITypeConverter<String> {
        @Override
        public String convert(String value) {
            if (!value.matches("[0-9a-fA-F]{64}")) {
                throw new TypeConversionException("an entry ID is 64 hex digits, as history --json shows it");
            }
            return value.toLowerCase(java.util.Locale.ROOT);
        }
    }

    static final class GroupIdConverter implements ITypeConverter<GroupId> {
        @Override
        public GroupId convert(String value) {
            try {
                return GroupId.parse(value);
            } catch (GroupException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }

    static final class HostPortConverter implements ITypeConverter<HostPort> {
        @Override
        public HostPort convert(String value) {
            try {
                return HostPort.parse(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }

    static final class DialTargetConverter implements ITypeConverter<DialTarget> {
        @Override
        public DialTarget convert(String value) {
            try {
                return DialTarget.parse(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }

    /** A log level the node knows, as given (the node parses it again when it starts). */
    static final class LogLevelConverter implements ITypeConverter<String> {
        private static final java.util.Set<String> LEVELS = java.util.Set.of("SEVERE", "WARNING", "INFO", "FINE");

        @Override
        public String convert(String value) {
            if (!LEVELS.contains(value.toUpperCase(java.util.Locale.ROOT))) {
                throw new TypeConversionException("unknown log level '" + value
                        + "' (use SEVERE, WARNING, INFO or FINE)");
            }
            return value;
        }
    }

    static final class PositiveIntConverter implements ITypeConverter<Integer> {
        @Override
        public Integer convert(String value) {
            try {
                int number = Integer.parseInt(value.strip());
                if (number >= 1) {
                    return number;
                }
            } catch (NumberFormatException e) {
                // Same message as a number below one.
            }
            throw new TypeConversionException("'" + value + "' is not a whole number of at least 1");
        }
    }

    /**
     * A switch: "on" or "off". Not a {@code Boolean}: picocli treats boolean options as flags and
     * would hand the converter "true" instead of the word the user typed.
     */
    enum Switch {
        ON, OFF;

        boolean on() {
            return this == ON;
        }
    }

    static final class OnOffConverter implements ITypeConverter<Switch> {
        @Override
        public Switch convert(String value) {
            return switch (value.strip()) {
                case "on" -> Switch.ON;
                case "off" -> Switch.OFF;
                default -> throw new TypeConversionException("'" + value + "' is neither on nor off");
            };
        }
    }

    /** Days mailbox replicas hold mail: 1 to 30. */
    static final class MailboxDaysConverter implements ITypeConverter<Integer> {
        @Override
        public Integer convert(String value) {
            return inRange(value, 1, (int) MailboxConfig.MAX_HOLD.toDays());
        }
    }

    /** How long a partial download may go without progress: 1 to 365 days. */
    static final class PartialDaysConverter implements ITypeConverter<Integer> {
        @Override
        public Integer convert(String value) {
            return inRange(value, 1, (int) FileConfig.MAX_PARTIAL_EXPIRY.toDays());
        }
    }

    /**
     * Stamp difficulty: from 12 bits (under a millisecond of work: below it a stamp stops costing a
     * flood anything) to {@code Stamp.MAX_BITS} (a minute or more per correspondent and day).
     */
    static final class StampBitsConverter implements ITypeConverter<Integer> {
        static final int LEAST = 12;

        @Override
        public Integer convert(String value) {
            return inRange(value, LEAST, org.parley.messaging.Stamp.MAX_BITS);
        }
    }

    /** Mailbox replicas per envelope: 1 to 20. */
    static final class ReplicasConverter implements ITypeConverter<Integer> {
        @Override
        public Integer convert(String value) {
            return inRange(value, 1, MailboxConfig.MAX_REPLICAS);
        }
    }

    /**
     * A size in bytes: a whole number, or one followed by {@code KiB}, {@code MiB} or {@code GiB}
     * ({@code 512KiB}, {@code 100MiB}); from one byte to 1 GiB, the largest file a node fetches
     * by default.
     */
    static final class ByteSizeConverter implements ITypeConverter<Long> {
        static final long MOST = 1024L * 1024 * 1024;
        private static final java.util.regex.Pattern SIZE =
                java.util.regex.Pattern.compile("([0-9]{1,10})\\s*(KiB|MiB|GiB|B)?");

        @Override
        public Long convert(String value) {
            java.util.regex.Matcher matcher = SIZE.matcher(value.strip());
            if (matcher.matches()) {
                long number = Long.parseLong(matcher.group(1));
                String unit = matcher.group(2) == null ? "B" : matcher.group(2);
                long multiple = switch (unit) {
                    case "KiB" -> 1024L;
                    case "MiB" -> 1024L * 1024;
                    case "GiB" -> MOST;
                    default -> 1L;
                };
                // Ten digits of GiB would overflow a long: anything over the limit is refused first.
                if (number >= 1 && number <= MOST / multiple) {
                    return number * multiple;
                }
            }
            throw new TypeConversionException("'" + value
                    + "' is not a size from 1 byte to 1GiB (bytes, or a number with KiB, MiB or GiB, like 100MiB)");
        }
    }

    private static int inRange(String value, int least, int most) {
        try {
            int number = Integer.parseInt(value.strip());
            if (number >= least && number <= most) {
                return number;
            }
        } catch (NumberFormatException e) {
            // Same message as a number out of range.
        }
        throw new TypeConversionException("'" + value + "' is not a whole number from " + least + " to " + most);
    }
}
