package org.parley.overlay.record;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.parley.link.HostPort;
import org.parley.link.Misbehaviour;

/** The checks on the addresses a record lists: few, short, parsable, canonical and distinct. */
final class ListenAddresses {
    /** Enough for a few interfaces and address families; a record is flooded, so it stays small. */
    static final int MAX_COUNT = 8;
    /** The longest DNS name (253 characters), a colon and a five-digit port. */
    static final int MAX_LENGTH = 259;

    private ListenAddresses() {
    }

    /**
     * Parses {@code addresses}, refusing any that are not in {@link HostPort}'s canonical text
     * form. Requiring that form means one set of addresses has exactly one signed encoding, so a
     * relay cannot re-spell an address (case, brackets, spaces) and pass off an altered record
     * as the same one.
     *
     * @throws PeerRecordException TOO_LARGE or MALFORMED
     */
    static List<HostPort> parse(List<String> addresses) throws PeerRecordException {
        if (addresses.size() > MAX_COUNT) {
            throw new PeerRecordException(Misbehaviour.TOO_LARGE, addresses.size() + " addresses, at most "
                    + MAX_COUNT);
        }
        List<HostPort> parsed = new ArrayList<>(addresses.size());
        Set<HostPort> seen = new HashSet<>();
        for (String text : addresses) {
            if (text.length() > MAX_LENGTH) {
                throw new PeerRecordException(Misbehaviour.TOO_LARGE, "address of " + text.length()
                        + " characters, at most " + MAX_LENGTH);
            }
            HostPort address;
            try {
                address = HostPort.parse(text);
            } catch (IllegalArgumentException e) {
                throw new PeerRecordException(Misbehaviour.MALFORMED, e.getMessage());
            }
            if (address.port() == 0) {
                throw new PeerRecordException(Misbehaviour.MALFORMED, "nobody listens on port 0: " + address);
            }
            if (!address.toString().equals(text)) {
                throw new PeerRecordException(Misbehaviour.MALFORMED, "address not in canonical form: " + address);
            }
            if (!seen.add(address)) {
                throw new PeerRecordException(Misbehaviour.MALFORMED, "address listed twice: " + address);
            }
            parsed.add(address);
        }
        return List.copyOf(parsed);
    }
}
