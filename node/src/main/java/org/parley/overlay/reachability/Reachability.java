package org.parley.overlay.reachability;

import java.util.Locale;

/** Whether others can dial this node, as dial-back checks by its neighbours found. */
public enum Reachability {
    /** At least the required number of distinct peers reached us at an address. */
    PUBLIC,
    /** Peers tried to dial us back and failed, and not enough reached us. */
    PRIVATE,
    /** Not enough answers yet to say either. */
    UNKNOWN;

    /** As {@code status --json} prints it. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
