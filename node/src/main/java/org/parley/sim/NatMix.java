package org.parley.sim;

import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import org.parley.link.memory.NatType;

/**
 * The shares of NAT types among the simulated nodes that sit behind one ({@code --nat-mix
 * ei=0.4,ad=0.3,sym=0.3}): endpoint-independent (full cone), address-dependent, symmetric,
 * restricted cone and port-restricted cone ({@link NatType}), summing to 1.
 */
public record NatMix(double endpointIndependent, double addressDependent, double symmetric, double restrictedCone,
                     double portRestrictedCone) {
    /** A mix of three kinds, none of them rare. */
    public static final NatMix DEFAULT = new NatMix(0.4, 0.3, 0.3);

    public NatMix {
        double[] shares = {endpointIndependent, addressDependent, symmetric, restrictedCone, portRestrictedCone};
        double sum = 0;
        for (double share : shares) {
            if (!(share >= 0)) {
                throw new IllegalArgumentException("--nat-mix shares must be at least 0 and sum to 1");
            }
            sum += share;
        }
        if (Math.abs(sum - 1) > 1e-9) {
            throw new IllegalArgumentException("--nat-mix shares must be at least 0 and sum to 1");
        }
    }

    /** A mix of full cones, address-dependent and symmetric NATs only. */
    public NatMix(double endpointIndependent, double addressDependent, double symmetric) {
        this(endpointIndependent, addressDependent, symmetric, 0, 0);
    }

    /**
     * Parses {@code ei=A,ad=B,sym=C,rc=D,prc=E}, in any order; a type left out has share 0.
     *
     * @throws IllegalArgumentException with a message fit for the user
     */
    public static NatMix parse(String text) {
        Map<NatType, Double> shares = new EnumMap<>(NatType.class);
        for (String part : text.split(",", -1)) {
            String[] pair = part.strip().split("=", -1);
            if (pair.length != 2) {
                throw new IllegalArgumentException("--nat-mix must be like ei=0.4,ad=0.3,sym=0.3, not '" + text + "'");
            }
            NatType type = NatType.ofLabel(pair[0].strip().toLowerCase(Locale.ROOT));
            if (type == NatType.NONE || shares.containsKey(type)) {
                throw new IllegalArgumentException("--nat-mix names ei, rc, prc, ad and sym, each at most once, not '"
                        + text + "'");
            }
            try {
                shares.put(type, Double.parseDouble(pair[1].strip()));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--nat-mix share '" + pair[1] + "' is not a number", e);
            }
        }
        return new NatMix(shares.getOrDefault(NatType.ENDPOINT_INDEPENDENT, 0.0),
                shares.getOrDefault(NatType.ADDRESS_DEPENDENT, 0.0), shares.getOrDefault(NatType.SYMMETRIC, 0.0),
                shares.getOrDefault(NatType.RESTRICTED_CONE, 0.0),
                shares.getOrDefault(NatType.PORT_RESTRICTED_CONE, 0.0));
    }

    @Override
    public String toString() {
        String text = String.format(Locale.ROOT, "ei=%s,ad=%s,sym=%s", endpointIndependent, addressDependent,
                symmetric);
        return restrictedCone == 0 && portRestrictedCone == 0 ? text
                : text + String.format(Locale.ROOT, ",rc=%s,prc=%s", restrictedCone, portRestrictedCone);
    }
}
