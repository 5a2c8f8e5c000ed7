package org.parley.link;

/**
 * Everything a peer can do wrong that the node scores, in every layer, with the penalty points it
 * earns and the label it is counted and shown under. This is the one penalty table: a layer that
 * refuses something names the misbehaviour here and reports it through
 * {@link Neighbours#penalize(org.parley.identity.PeerId, Misbehaviour, String)}; the link layer
 * adds the points up and bans a peer whose points cross the limit ({@link LinkConfig}).
 *
 * <p>How much each costs follows one rule: what an honest peer never sends (a forged signature, a
 * frame out of protocol, someone else's record passed off as its own) costs much, so that a few
 * ban; what honest peers produce now and then (a copy again after a lost receipt, a record a race
 * made stale, a late answer, a clock that differs) costs little or nothing, so that many never
 * ban. Labels of what messaging and groups refuse are stored and shown per peer and per group, so
 * they never change.
 */
public enum Misbehaviour {
    // What a peer hands over that does not check out: envelopes, records, group items, mailbox requests.
    /** Content no honest peer builds: a field of the wrong size, a missing part, a body of no known kind. */
    MALFORMED("malformed", 20),
    UNSUPPORTED_VERSION("unsupported-version", 5),
    /** Larger than the limit: an item, a peer exchange, or a DHT answer with more than k records. */
    TOO_LARGE("too-large", 20),
    /** A signature that does not verify. */
    FORGED("forged", 50),
    /** Past its expiry, or issued too far from our clock: clocks differ, so it costs little. */
    EXPIRED("expired", 2),
    /** A record claiming to stay valid longer than records may. */
    EXPIRY_TOO_FAR("expiry-too-far", 10),
    /** A record older than one we hold: what gossip races produce anyway. */
    STALE("stale", 1),
    /** An envelope, or mail handed over, addressed to someone else. */
    NOT_FOR_US("not-for-us", 10),
    /** An envelope or group item again: a sender whose receipt was lost sends again. */
    REPLAYED("replayed", 1),
    /** A signed mailbox request not newer than the last one from its peer. */
    REPLAYED_REQUEST("replayed-request", 5),
    UNDECRYPTABLE("undecryptable", 20),
    /** A sealed envelope without the proof of work a replica or a first contact asks for. */
    UNPAID("unpaid", 5),
    /** From a peer the user blocked: refused, not scored. */
    BLOCKED("blocked", 0),

    // Groups.
    /** From a peer not (yet) in the group: an add may still be on its way. */
    NOT_A_MEMBER("not-a-member", 10),
    /** An op its author's role does not allow. */
    NOT_ALLOWED("not-allowed", 20),
    STALE_KEY("stale-key", 10),
    UNKNOWN_KEY("unknown-key", 0),
    /** A post from before its key reached us (before we joined): no fault of anyone's. */
    BEFORE_KEY("before-key", 0),
    /** A post whose Lamport number is not one above its largest parent's: its sender forged its place in the log. */
    OUT_OF_ORDER("out-of-order", 20),

    // Requests and answers.
    /** Another peer's record announced or stored as one's own: peers publish their own. */
    NOT_OWN_RECORD("not-own-record", 25),
    /** A request for someone else's mail. */
    NOT_YOURS("not-yours", 25),
    /** A mailbox or relay answer, or a circuit offer, to nothing we asked. */
    UNASKED("unasked", 5),
    /**
     * A proxied lookup's question that does not open, is old or was seen before (decision 0085).
     * Light: the neighbour that passed it on could not check it, and may be honest.
     */
    UNOPENED_QUESTION("unopened-question", 2),
    /** A DHT or dial-back answer to no question of ours (late answers to timed-out questions are let be). */
    ANSWER_TO_NOTHING("answer-to-nothing", 10),
    /** A dial-back request or answer no honest peer builds. */
    MALFORMED_DIAL_BACK("malformed-dial-back", 10),
    DIAL_BACK_FLOOD("dial-back-flood", 2),

    // Frames and the link.
    /** Frames above the link's or gossip's rate limit. */
    FLOOD("flood", 1),
    /** A frame, or a frame's body, of no known type: perhaps a newer version. */
    UNKNOWN_FRAME("unknown-frame", 2),
    /** A frame no implementation of the protocol sends: malformed gossip or relay frames, Hello out of turn. */
    PROTOCOL_VIOLATION("protocol-violation", 25),
    /** An IWant for gossip messages we never announced. */
    UNKNOWN_IWANT("unknown-iwant", 2),
    /** Announced a gossip message and did not send it when asked. */
    BROKEN_PROMISE("broken-promise", 1),
    /** Subscribed to more gossip topics than a peer may. */
    TOO_MANY_TOPICS("too-many-topics", 5),
    /** Renewed a relay reservation too often. */
    RESERVATION_FLOOD("reservation-flood", 5),
    /** Asked a relay for a circuit to a peer holding no reservation there. */
    UNRESERVED("unreserved", 2),
    /** A hole-punch offer or answer that cannot be read: unparseable, too many or too long addresses, no nonce. */
    MALFORMED_PUNCH("malformed-punch", 10),
    /** A hole-punch frame on a link that is not relayed, an answer or sync to nothing asked, a replayed offer. */
    UNSOLICITED_PUNCH("unsolicited-punch", 5),
    /** Punch addresses on an IP other than where the peer is seen: an attempt to aim us at a third party. */
    PUNCH_ADDRESS_OUTSIDE("punch-address-outside", 5),
    /** A file chunk that does not open under its file key or does not prove its place in the file's Merkle tree. */
    BAD_CHUNK("bad-chunk", 20);

    private final String label;
    private final double penalty;

    Misbehaviour(String label, double penalty) {
        this.label = label;
        this.penalty = penalty;
    }

    /** The name counted per peer (and per group) and shown to the user. */
    public String label() {
        return label;
    }

    /** Penalty points the peer earns for it. */
    public double penalty() {
        return penalty;
    }
}
