package org.parley.link.portmap;

import java.io.IOException;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;
import java.util.logging.Logger;
import org.parley.runtime.Clock;
import org.parley.runtime.Scheduler;

/**
 * Keeps this node's listen port mapped on its router while the node runs: asks once it listens,
 * renews at half the granted lifetime, asks again with growing pauses while no router grants one
 * (a laptop may join another network), drops a mapping the router no longer renews once it has
 * lapsed, and removes it on {@link #stop}. The router is asked on a worker (the {@link PortMapper}
 * blocks); every decision is taken on the loop, so this runs under virtual time in tests. Confined
 * to the loop.
 */
public final class PortMappingKeeper {
    private static final Logger LOG = Logger.getLogger(PortMappingKeeper.class.getName());
    /** What we ask for: RFC 6886 recommends two hours; a mapping of a node that died then lapses. */
    public static final Duration REQUESTED_LIFETIME = Duration.ofHours(2);
    /** A mapping granted for good is asked again this often: a restarted router forgets it. */
    static final Duration PERMANENT_REFRESH = Duration.ofMinutes(20);
    /** No renewal sooner than this, whatever short lifetime a router grants. */
    static final Duration SHORTEST_RENEWAL = Duration.ofSeconds(30);
    static final Duration FIRST_RETRY = Duration.ofSeconds(30);
    static final Duration LONGEST_RETRY = Duration.ofMinutes(30);

    private final PortMapper mapper;
    private final Executor worker;
    private final Scheduler loop;
    private final Clock clock;
    private final Consumer<Optional<PortMapping>> changed;
    private int internalPort;
    private PortMapping current;
    private long expiresAtMillis;
    private Duration retry = FIRST_RETRY;
    private Scheduler.Cancellable next;
    private boolean asking;
    private boolean started;
    /** Read by the worker too: a mapping granted after the stop is removed there and then. */
    private volatile boolean stopped;
    private String lastProblem;

    /**
     * @param worker runs the blocking calls to the router, one at a time
     * @param changed told on the loop each time the mapping appears, changes or goes
     */
    public PortMappingKeeper(PortMapper mapper, Executor worker, Scheduler loop, Clock clock,
                             Consumer<Optional<PortMapping>> changed) {
        this.mapper = mapper;
        this.worker = worker;
        this.loop = loop;
        this.clock = clock;
        this.changed = changed;
    }

    /** Maps {@code port}, where this node now listens. */
    public void start(int port) {
        if (started || port < 1) {
            return;
        }
        started = true;
        internalPort = port;
        ask();
    }

    /** The mapping the router granted and still holds, as far as we know. */
    public Optional<PortMapping> current() {
        return Optional.ofNullable(current);
    }

    /** Stops renewing and has the router remove the mapping (on the worker; the caller waits for it there). */
    public void stop() {
        if (stopped) {
            return;
        }
        stopped = true;
        if (next != null) {
            next.cancel();
        }
        PortMapping held = current;
        if (held != null) {
            current = null;
            worker.execute(() -> remove(held));
        }
    }

    private void ask() {
        next = null;
        if (stopped || asking) {
            return;
        }
        asking = true;
        worker.execute(() -> {
            Optional<PortMapping> granted;
            String problem;
            try {
                granted = mapper.map(internalPort, REQUESTED_LIFETIME);
                problem = granted.isPresent() ? null : "no router here offers UPnP-IGD, NAT-PMP or PCP";
            } catch (IOException | RuntimeException e) {
                granted = Optional.empty();
                problem = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            }
            if (stopped) {
                granted.ifPresent(this::remove);
                return;
            }
            Optional<PortMapping> outcome = granted;
            String why = problem;
            try {
                loop.execute(() -> answered(outcome, why));
            } catch (RejectedExecutionException loopClosed) {
                outcome.ifPresent(this::remove);
            }
        });
    }

    private void answered(Optional<PortMapping> granted, String problem) {
        asking = false;
        if (stopped) {
            // Granted while we were stopping: nobody will renew it, so it goes at once.
            granted.ifPresent(mapping -> worker.execute(() -> remove(mapping)));
            return;
        }
        if (granted.isPresent()) {
            granted(granted.get());
        } else {
            failed(problem);
        }
    }

    private void granted(PortMapping mapping) {
        boolean isNew = !Objects.equals(current, mapping);
        current = mapping;
        retry = FIRST_RETRY;
        lastProblem = null;
        Duration lifetime = mapping.lifetime();
        expiresAtMillis = lifetime.isZero() ? Long.MAX_VALUE : clock.nowMillis() + lifetime.toMillis();
        Duration renewal = lifetime.isZero() ? PERMANENT_REFRESH : lifetime.dividedBy(2);
        schedule(renewal.compareTo(SHORTEST_RENEWAL) < 0 ? SHORTEST_RENEWAL : renewal);
        if (isNew) {
            LOG.info(() -> "port " + internalPort + " mapped by " + mapping.protocol().label() + " at "
                    + mapping.external() + (lifetime.isZero() ? " until removed" : " for " + lifetime.toSeconds() + " s"));
            changed.accept(Optional.of(mapping));
        }
    }

    private void failed(String problem) {
        if (!problem.equals(lastProblem)) {
            lastProblem = problem;
            LOG.info(() -> "port " + internalPort + " not mapped: " + problem);
        }
        Duration wait = retry;
        retry = retry.multipliedBy(2).compareTo(LONGEST_RETRY) > 0 ? LONGEST_RETRY : retry.multipliedBy(2);
        if (current != null) {
            long left = expiresAtMillis - clock.nowMillis();
            if (left <= 0) {
                LOG.info(() -> "the mapping at " + current.external() + " lapsed");
                current = null;
                changed.accept(Optional.empty());
            } else if (left < wait.toMillis()) {
                // Ask once more before it lapses; if that fails too, the mapping is dropped then.
                wait = Duration.ofMillis(left);
            }
        }
        schedule(wait);
    }

    private void schedule(Duration delay) {
        next = loop.schedule(delay, this::ask);
    }

    private void remove(PortMapping mapping) {
        try {
            mapper.unmap(mapping);
            LOG.info(() -> "removed the mapping at " + mapping.external());
        } catch (IOException | RuntimeException e) {
            LOG.info(() -> "could not remove the mapping at " + mapping.external() + ": " + e.getMessage());
        }
    }
}
