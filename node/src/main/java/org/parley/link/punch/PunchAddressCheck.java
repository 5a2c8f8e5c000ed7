package org.parley.link.punch;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.parley.link.HostPort;

/**
 * Turns the addresses a peer offers for punching into the addresses we will punch, and nothing
 * else: only ports on the IP address its relay sees it at. A wildcard host stands for that IP. An
 * address on any other host is dropped, so a peer cannot make us send connection attempts to a
 * third party; an offer too long, too large or unparseable is malformed as a whole.
 */
final class PunchAddressCheck {
    private static final Set<String> WILDCARDS = Set.of("0.0.0.0", "::");

    /**
     * @param targets where to punch, at most {@code maxTargets}, without repeats
     * @param outside how many addresses named a host other than the observed IP
     * @param malformed why the whole list is refused, when it is
     */
    record Result(List<HostPort> targets, int outside, Optional<String> malformed) {
        static Result malformed(String reason) {
            return new Result(List.of(), 0, Optional.of(reason));
        }
    }

    private PunchAddressCheck() {
    }

    static Result check(List<String> offered, HostPort observed, PunchConfig config) {
        if (offered.size() > config.maxAddresses()) {
            return Result.malformed(offered.size() + " punch addresses (at most " + config.maxAddresses() + ")");
        }
        Set<HostPort> targets = new LinkedHashSet<>();
        int outside = 0;
        for (String text : offered) {
            if (text.length() > config.maxAddressLength()) {
                return Result.malformed("punch address of " + text.length() + " characters");
            }
            HostPort address;
            try {
                address = HostPort.parse(text);
            } catch (IllegalArgumentException e) {
                return Result.malformed("unparseable punch address: " + e.getMessage());
            }
            if (address.port() == 0) {
                return Result.malformed("punch address with port 0");
            }
            if (WILDCARDS.contains(address.host()) || address.host().equals(observed.host())) {
                if (targets.size() < config.maxTargets()) {
                    targets.add(new HostPort(observed.host(), address.port()));
                }
            } else {
                outside++;
            }
        }
        return new Result(new ArrayList<>(targets), outside, Optional.empty());
    }
}
