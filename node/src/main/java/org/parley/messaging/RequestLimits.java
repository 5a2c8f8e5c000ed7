package org.parley.messaging;

/**
 * How much of the history message requests (messages from strangers) may take.
 *
 * @param perStranger messages kept from one stranger; later ones are refused
 * @param bytesPerStranger bytes kept from one stranger (sealed bodies)
 * @param inAll requests kept from all strangers; a new one drops the oldest
 * @param bytesInAll bytes kept from all strangers
 */
public record RequestLimits(int perStranger, long bytesPerStranger, int inAll, long bytesInAll) {
    public RequestLimits {
        if (perStranger < 1 || bytesPerStranger < 1 || inAll < 1 || bytesInAll < 1) {
            throw new IllegalArgumentException("request limits must be positive");
        }
    }

    /** 20 messages or 256 KiB per stranger; 1,000 messages or 8 MiB in all. */
    public static RequestLimits defaults() {
        return new RequestLimits(20, 256L << 10, 1_000, 8L << 20);
    }
}
