package org.parley.api;

/**
 * A peer ID cut short for display where no name is known (strangers, group members). The prefix
 * must be too long to grind: anyone can make keys until a peer ID starts like another's, and the
 * 8 characters (40 bits) shown before took about 10^12 key generations, within reach of rented
 * hardware. 16 characters are 80 bits, out of reach; the full ID and the fingerprint remain for
 * checking someone.
 */
public final class ShortPeerId {
    /** Base32 characters kept after the {@code p1} prefix: 5 bits each. */
    public static final int KEPT_CHARACTERS = 16;
    private static final int SHOWN = 2 + KEPT_CHARACTERS;

    private ShortPeerId() {
    }

    public static String of(String peerId) {
        return peerId.length() <= SHOWN + 1 ? peerId : peerId.substring(0, SHOWN) + "…";
    }
}
