package org.parley.overlay.reachability;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.logging.Logger;
import org.parley.identity.PeerId;
import org.parley.link.AddressProbe;
import org.parley.link.HostPort;
import org.parley.link.Misbehaviour;
import org.parley.link.Neighbours;
import org.parley.link.TokenBucket;
import org.parley.proto.wire.v1.DialBackRequest;
import org.parley.proto.wire.v1.DialBackResponse;
import org.parley.proto.wire.v1.DialBackResponse.Outcome;
import org.parley.proto.wire.v1.Frame;
import org.parley.proto.wire.v1.ReachabilityFrame;
import org.parley.runtime.Clock;

/**
 * Answers neighbours' dial-back requests. The only address it ever dials is the requester's own IP
 * as the link shows it, at the port asked for, so nobody can use it to make this node dial a third
 * party; a request naming another host is refused without dialling. Requests are limited per
 * requester and for everyone together, and so are the dials running at once. Confined to the loop.
 */
final class DialBackServer {
    private static final Logger LOG = Logger.getLogger(DialBackServer.class.getName());
    /** Longer than any host:port, IPv6 with zone included. */
    static final int MAX_ADDRESS_LENGTH = 100;
    private static final int MAX_TRACKED_REQUESTERS = 4096;

    private final Neighbours links;
    private final Function<PeerId, Optional<HostPort>> remoteAddressOf;
    private final AddressProbe probe;
    private final Clock clock;
    private final ReachabilityConfig config;
    private final TokenBucket everyone;
    private final Map<PeerId, TokenBucket> perRequester = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<PeerId, TokenBucket> eldest) {
            return size() > MAX_TRACKED_REQUESTERS;
        }
    };
    private int inFlight;

    DialBackServer(Neighbours links, Function<PeerId, Optional<HostPort>> remoteAddressOf, AddressProbe probe,
                   Clock clock, ReachabilityConfig config) {
        this.links = links;
        this.remoteAddressOf = remoteAddressOf;
        this.probe = probe;
        this.clock = clock;
        this.config = config;
        this.everyone = new TokenBucket(clock, config.requestsPerSecond(), config.globalBurst());
    }

    void request(PeerId from, DialBackRequest request) {
        Optional<String> problem = problem(request);
        if (problem.isPresent()) {
            links.penalize(from, Misbehaviour.MALFORMED_DIAL_BACK, "malformed dial-back request: " + problem.get());
            return;
        }
        Optional<HostPort> seen = remoteAddressOf.apply(from);
        if (seen.isEmpty()) {
            // No link (it went down meanwhile), or one through a relay: nowhere of the requester's own to dial.
            return;
        }
        HostPort asked = HostPort.parse(request.getAddress());
        HostPort target = new HostPort(seen.get().host(), asked.port());
        if (!isWildcard(asked.host()) && !asked.host().equals(seen.get().host())) {
            LOG.fine(() -> from.shortForm() + " asked for a dial-back to " + asked + " but links from " + seen.get());
            answer(from, request.getNonce(), Outcome.REFUSED_OTHER_ADDRESS, target);
            return;
        }
        TokenBucket own = perRequester.computeIfAbsent(from,
                peer -> new TokenBucket(clock, config.requestsPerRequesterPerSecond(), config.requesterBurst()));
        if (!own.tryTake()) {
            links.penalize(from, Misbehaviour.DIAL_BACK_FLOOD, "dial-back requests beyond the limit");
            answer(from, request.getNonce(), Outcome.RATE_LIMITED, target);
            return;
        }
        if (inFlight >= config.maxProbesInFlight() || !everyone.tryTake()) {
            answer(from, request.getNonce(), Outcome.RATE_LIMITED, target);
            return;
        }
        inFlight++;
        probe.probe(from, target, reached -> {
            inFlight--;
            answer(from, request.getNonce(), reached ? Outcome.REACHABLE : Outcome.UNREACHABLE, target);
        });
    }

    /** Dial-backs started and not yet finished. */
    int inFlight() {
        return inFlight;
    }

    private void answer(PeerId to, long nonce, Outcome outcome, HostPort observed) {
        DialBackResponse response = DialBackResponse.newBuilder()
                .setNonce(nonce)
                .setOutcome(outcome)
                .setObservedAddress(observed.toString())
                .build();
        links.send(to, Frame.newBuilder()
                .setReachability(ReachabilityFrame.newBuilder().setResponse(response))
                .build());
    }

    private static Optional<String> problem(DialBackRequest request) {
        if (request.getNonce() == 0) {
            return Optional.of("no nonce");
        }
        String address = request.getAddress();
        if (address.length() > MAX_ADDRESS_LENGTH) {
            return Optional.of("address of " + address.length() + " characters");
        }
        HostPort parsed;
        try {
            parsed = HostPort.parse(address);
        } catch (IllegalArgumentException e) {
            return Optional.of(e.getMessage());
        }
        if (parsed.port() == 0) {
            return Optional.of("port 0");
        }
        return Optional.empty();
    }

    static boolean isWildcard(String host) {
        return host.equals("0.0.0.0") || host.equals("::");
    }
}
