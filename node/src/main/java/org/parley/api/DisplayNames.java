package org.parley.api;

/** What a display name (our own, or a contact's) may be: short, visible text. */
public final class DisplayNames {
    public static final int MAX_LENGTH = 64;

    private DisplayNames() {
    }

    /** The name, trimmed; or an error saying what is wrong with it. */
    public static String check(String name) throws ApiException {
        String trimmed = name == null ? "" : name.strip();
        if (trimmed.isEmpty() || trimmed.length() > MAX_LENGTH) {
            throw new ApiException(ApiException.Kind.INVALID_ARGUMENT, "a name has 1 to " + MAX_LENGTH + " characters");
        }
        if (trimmed.codePoints().anyMatch(Character::isISOControl)) {
            throw new ApiException(ApiException.Kind.INVALID_ARGUMENT, "a name cannot contain control characters");
        }
        return trimmed;
    }
}
