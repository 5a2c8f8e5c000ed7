package org.parley.sim;

import java.util.Locale;

/** The attacks {@code parley sim --attack} plays (see {@link AttackSimulation}). */
public enum AttackKind {
    /** Sybils ground near a victim's key keep links to it and answer lookups with Sybils only. */
    ECLIPSE,
    /** Sybils push peer exchanges of Sybil records at every neighbour, drop gossip and lie in lookups. */
    SYBIL_FLOOD,
    /** Sybils behave well, in meshes and the DHT, until a moment; then all drop everything at once. */
    COVERT_FLASH,
    /** Sybils fill the mailboxes held for an away victim with validly signed mail of their own. */
    MAIL_SPAM;

    /** The name on the command line: {@code eclipse}, {@code sybil-flood}, ... */
    public String cliName() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    public static AttackKind parse(String name) {
        for (AttackKind kind : values()) {
            if (kind.cliName().equals(name)) {
                return kind;
            }
        }
        throw new IllegalArgumentException("--attack must be eclipse, sybil-flood, covert-flash or mail-spam, not '"
                + name + "'");
    }
}
