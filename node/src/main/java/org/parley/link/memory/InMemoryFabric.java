package org.parley.link.memory;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.parley.identity.PeerId;
import org.parley.link.HostPort;
import org.parley.link.LinkConfig;
import org.parley.runtime.Scheduler;

/**
 * The shared medium of {@link InMemoryNetwork}s: who listens at which address. A node that has
 * not started, or has closed, is not reachable, exactly as with sockets.
 */
public final class InMemoryFabric {
    private final Map<HostPort, InMemoryNetwork> listening = new ConcurrentHashMap<>();
    private final AtomicInteger ephemeralPorts = new AtomicInteger();
    private final LinkConditions conditions;
    /** While set, the side of the cut each address is on; nothing crosses between sides. */
    private volatile Predicate<HostPort> cut;
    /** Punches waiting for the other side's, by (from, to) address. */
    private final Map<List<HostPort>, PendingPunch> punches = new HashMap<>();

    private record PendingPunch(InMemoryNetwork from, PeerId expected) {
    }

    /** Addresses behind a NAT or firewall: they dial out, but nobody can dial them. */
    private final Set<HostPort> refusingInbound = ConcurrentHashMap.newKeySet();
    /** The NAT each address sits behind; an address not named here has none. */
    private final Map<HostPort, NatType> nats = new ConcurrentHashMap<>();
    /**
     * Whether a dial nobody answers (no node listens at the address any more, or it sits behind a
     * NAT) waits out the dialler's timeout before it fails, as a dial to a departed host does over
     * TCP, rather than being refused at once.
     */
    private volatile boolean unansweredDialsTimeOut;
    /** Bytes carried by the relay listening at each address, over all its incarnations. */
    private final Map<HostPort, java.util.concurrent.atomic.AtomicLong> relayed = new ConcurrentHashMap<>();

    /** A medium on which every frame arrives, at once. */
    public InMemoryFabric() {
        this(LinkConditions.perfect());
    }

    public InMemoryFabric(LinkConditions conditions) {
        this.conditions = conditions;
    }

    LinkConditions conditions() {
        return conditions;
    }

    /**
     * Splits the medium in two: addresses for which {@code side} holds, and the others. Links
     * across the cut break and dials across it fail until {@link #mend}.
     */
    public void cut(Predicate<HostPort> side) {
        cut = side;
        listening.values().forEach(network -> network.closeLinksAcross(this::divided));
    }

    public void mend() {
        cut = null;
    }

    boolean divided(HostPort a, HostPort b) {
        Predicate<HostPort> side = cut;
        return side != null && side.test(a) != side.test(b);
    }

    /** Puts {@code address} behind a NAT: its node still dials out, but dials to it fail. */
    public void refuseInbound(HostPort address) {
        refusingInbound.add(address);
    }

    /**
     * Puts {@code address} behind a NAT of {@code type} ({@link NatType#NONE}: in the open again).
     * A node behind any NAT dials out but cannot be dialled; what the type adds is what a
     * simultaneous open would do ({@link #simultaneousOpenSucceeds}).
     */
    public void natFor(HostPort address, NatType type) {
        if (type == NatType.NONE) {
            nats.remove(address);
        } else {
            nats.put(address, type);
        }
    }

    /**
     * From now on a dial to an address where nobody listens, or that sits behind a NAT, fails only
     * when the dialler's hello timeout has passed (over TLS the dial's watchdog is that timeout):
     * a departed peer costs its dialler that long, as a host gone from the internet does, which
     * answers no connection attempt at all. Until this is called such dials are refused at once.
     */
    public void unansweredDialsTimeOut() {
        unansweredDialsTimeOut = true;
    }

    boolean unansweredDialsTimeOutNow() {
        return unansweredDialsTimeOut;
    }

    /** Whether any address sits behind a NAT: then no simulated node can assume it is reachable. */
    public boolean modelsNat() {
        return !nats.isEmpty();
    }

    /** Bytes the nodes listening at {@code address} carried for others as relays, since the fabric was made. */
    public long bytesRelayedAt(HostPort address) {
        java.util.concurrent.atomic.AtomicLong bytes = relayed.get(address);
        return bytes == null ? 0 : bytes.get();
    }

    void relayedAt(HostPort address, int bytes) {
        relayed.computeIfAbsent(address, key -> new java.util.concurrent.atomic.AtomicLong()).addAndGet(bytes);
    }

    /** The NAT {@code address} sits behind. */
    public NatType natOf(HostPort address) {
        return nats.getOrDefault(address, NatType.NONE);
    }

    /**
     * Whether the nodes at {@code a} and {@code b} would open a direct connection by both dialling
     * at once (see {@link NatType#simultaneousOpenSucceeds}): the seam hole punching plugs into.
     */
    public boolean simultaneousOpenSucceeds(HostPort a, HostPort b) {
        return !divided(a, b) && NatType.simultaneousOpenSucceeds(natOf(a), natOf(b));
    }

    boolean refusesInbound(HostPort address) {
        return refusingInbound.contains(address) || !natOf(address).acceptsInbound();
    }

    /**
     * Meets {@code puncher}'s punch toward {@code target} with the punch waiting there toward it, if
     * there is one and its nodes are who each expects; otherwise leaves this punch waiting.
     */
    synchronized Optional<InMemoryNetwork> meetPunch(InMemoryNetwork puncher, HostPort target, PeerId expected) {
        PendingPunch waiting = punches.get(List.of(target, puncher.address()));
        if (waiting != null && waiting.from().self().equals(expected) && waiting.expected().equals(puncher.self())
                && endpointAt(target).orElse(null) == waiting.from()) {
            punches.remove(List.of(target, puncher.address()));
            return Optional.of(waiting.from());
        }
        punches.put(List.of(puncher.address(), target), new PendingPunch(puncher, expected));
        return Optional.empty();
    }

    /** Withdraws a punch nobody met; false when it was met (or withdrawn) already. */
    synchronized boolean withdrawPunch(InMemoryNetwork puncher, HostPort target) {
        PendingPunch waiting = punches.get(List.of(puncher.address(), target));
        if (waiting == null || waiting.from() != puncher) {
            return false;
        }
        punches.remove(List.of(puncher.address(), target));
        return true;
    }

    /** A network for a node listening at {@code address}; it becomes reachable once started. */
    public InMemoryNetwork endpoint(PeerId self, HostPort address, LinkConfig config, Scheduler scheduler) {
        return new InMemoryNetwork(this, self, address, config, scheduler, ephemeralPorts);
    }

    void attach(InMemoryNetwork network) {
        InMemoryNetwork previous = listening.putIfAbsent(network.address(), network);
        if (previous != null && previous != network) {
            throw new IllegalStateException("address in use: " + network.address());
        }
    }

    void detach(InMemoryNetwork network) {
        listening.remove(network.address(), network);
    }

    Optional<InMemoryNetwork> endpointAt(HostPort address) {
        return Optional.ofNullable(listening.get(address));
    }
}
