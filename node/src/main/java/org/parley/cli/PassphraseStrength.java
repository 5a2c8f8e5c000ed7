package org.parley.cli;

import java.util.Optional;

/**
 * The least a new passphrase must be. The keystore's Argon2id (64 MiB, 3 passes) makes each guess
 * costly, which protects a passphrase of some length and little else: "pass" falls to a short
 * list. Length counts most; a passphrase of one or two characters repeated is refused however long.
 */
final class PassphraseStrength {
    static final int MIN_LENGTH = 10;
    static final int MIN_DISTINCT = 5;

    private PassphraseStrength() {
    }

    /** Why {@code passphrase} is too weak for a new profile, or empty when it will do. */
    static Optional<String> weakness(char[] passphrase) {
        String text = new String(passphrase);
        long length = text.codePointCount(0, text.length());
        if (length < MIN_LENGTH) {
            return Optional.of("the passphrase is too short: use at least " + MIN_LENGTH
                    + " characters (a few words work well)");
        }
        if (text.strip().codePoints().distinct().count() < MIN_DISTINCT) {
            return Optional.of("the passphrase repeats too few characters: use at least " + MIN_DISTINCT
                    + " different ones (a few words work well)");
        }
        return Optional.empty();
    }
}
