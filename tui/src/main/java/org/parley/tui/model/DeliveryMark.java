package org.parley.tui.model;

/**
 * What the user sees beside an own message: where it is on its way. {@code relayed} comes from
 * the node once offline relays carry messages; until then it simply never occurs.
 */
public enum DeliveryMark {
    PENDING("…"),
    RELAYED("↑"),
    DELIVERED("✓"),
    /** The peer said it read this message or a later one (read receipts on for both: decision 0053). */
    READ("✓✓"),
    FAILED("!"),
    /** Incoming messages carry no mark, nor group posts no member is known to have read (the log is shared). */
    NONE(" ");

    private final String symbol;

    DeliveryMark(String symbol) {
        this.symbol = symbol;
    }

    public String symbol() {
        return symbol;
    }

    /**
     * How far along its way a message is: a state reported late (the answer to a send applied
     * after the delivery event) must not move it back. A receipt may still come after a failure.
     */
    public int progress() {
        return switch (this) {
            case NONE, PENDING -> 0;
            case RELAYED -> 1;
            case FAILED -> 2;
            case DELIVERED -> 3;
            case READ -> 4;
        };
    }

    /** The mark of a message state as the API reports it; an unknown state shows as pending. */
    public static DeliveryMark of(String direction, String state) {
        if ("in".equals(direction)) {
            return NONE;
        }
        return switch (state == null ? "" : state) {
            case "relayed" -> RELAYED;
            case "delivered" -> DELIVERED;
            case "read" -> READ;
            case "failed" -> FAILED;
            default -> PENDING;
        };
    }
}
