package org.parley.link.portmap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.parley.link.HostPort;
import org.parley.runtime.VirtualScheduler;

/** When the keeper asks the router, renews, gives up on a lapsed mapping and removes it, on a virtual clock. */
class PortMappingKeeperTest {
    private static final PortMapping GRANTED = new PortMapping(MappingProtocol.UPNP, new HostPort("203.0.113.2", 7450),
            7450, Duration.ofHours(1));

    private final VirtualScheduler loop = new VirtualScheduler(1_700_000_000_000L);
    private final FakeRouter router = new FakeRouter();
    private final List<Optional<PortMapping>> changes = new ArrayList<>();
    /** The router's blocking calls run right away: the loop still gets each outcome as a task of its own. */
    private final PortMappingKeeper keeper = new PortMappingKeeper(router, Runnable::run, loop, loop, changes::add);

    @Test
    void mapsOnStartRenewsAtHalfTheLifetimeAndRemovesOnStop() {
        router.answers.add(Optional.of(GRANTED));
        keeper.start(7450);
        loop.runUntilIdle();
        assertEquals(Optional.of(GRANTED), keeper.current());
        assertEquals(List.of(Optional.of(GRANTED)), changes);
        assertEquals(List.of(7450), router.asked);

        router.answers.add(Optional.of(GRANTED));
        loop.advance(Duration.ofMinutes(29));
        assertEquals(1, router.asked.size(), "not renewed before half the lifetime");
        loop.advance(Duration.ofMinutes(1));
        assertEquals(2, router.asked.size(), "renewed at half the lifetime");
        assertEquals(1, changes.size(), "the same mapping renewed is no change");

        keeper.stop();
        assertEquals(List.of(GRANTED), router.removed);
        assertEquals(Optional.empty(), keeper.current());
        loop.advance(Duration.ofHours(3));
        assertEquals(2, router.asked.size(), "nothing asked after the stop");
    }

    @Test
    void withoutARouterItAsksAgainWithGrowingPauses() {
        keeper.start(7450);
        loop.runUntilIdle();
        assertEquals(Optional.empty(), keeper.current());
        loop.advance(PortMappingKeeper.FIRST_RETRY);
        assertEquals(2, router.asked.size());
        loop.advance(PortMappingKeeper.FIRST_RETRY);
        assertEquals(2, router.asked.size(), "the second pause is twice the first");
        loop.advance(PortMappingKeeper.FIRST_RETRY);
        assertEquals(3, router.asked.size());
        loop.advance(Duration.ofHours(5));
        assertTrue(router.asked.size() < 3 + 5 * 2 + 6, "at most one try per half hour once the pauses are long: "
                + router.asked.size());

        router.answers.add(Optional.of(GRANTED));
        loop.advance(PortMappingKeeper.LONGEST_RETRY);
        assertEquals(Optional.of(GRANTED), keeper.current(), "a router that appears is used");
        assertEquals(List.of(Optional.of(GRANTED)), changes);
    }

    @Test
    void aMappingTheRouterStopsRenewingIsDroppedWhenItLapses() {
        router.answers.add(Optional.of(GRANTED));
        keeper.start(7450);
        loop.runUntilIdle();
        router.failing = true;
        loop.advance(Duration.ofMinutes(30)); // the renewal fails
        assertEquals(Optional.of(GRANTED), keeper.current(), "still held until it lapses");
        loop.advance(Duration.ofMinutes(31));
        assertEquals(Optional.empty(), keeper.current());
        assertEquals(List.of(Optional.of(GRANTED), Optional.empty()), changes);
        keeper.stop();
        assertEquals(List.of(), router.removed, "nothing left to remove");
    }

    @Test
    void aMappingGrantedForGoodIsAskedAgainNowAndThen() {
        PortMapping permanent = new PortMapping(MappingProtocol.UPNP, new HostPort("203.0.113.2", 7450), 7450,
                Duration.ZERO);
        router.answers.add(Optional.of(permanent));
        router.answers.add(Optional.of(permanent));
        keeper.start(7450);
        loop.runUntilIdle();
        loop.advance(PortMappingKeeper.PERMANENT_REFRESH);
        assertEquals(2, router.asked.size());
        assertEquals(Optional.of(permanent), keeper.current());
    }

    @Test
    void aMappingGrantedAfterTheStopIsRemovedAtOnce() {
        List<Runnable> worker = new ArrayList<>();
        PortMappingKeeper slow = new PortMappingKeeper(router, worker::add, loop, loop, changes::add);
        router.answers.add(Optional.of(GRANTED));
        slow.start(7450);
        slow.stop();
        worker.remove(0).run();
        loop.runUntilIdle();
        assertEquals(List.of(GRANTED), router.removed);
        assertEquals(List.of(), changes);
    }

    private static final class FakeRouter implements PortMapper {
        final Deque<Optional<PortMapping>> answers = new ArrayDeque<>();
        final List<Integer> asked = new ArrayList<>();
        final List<PortMapping> removed = new ArrayList<>();
        boolean failing;

        @Override
        public Optional<PortMapping> map(int internalPort, Duration lifetime) throws IOException {
            asked.add(internalPort);
            if (failing) {
                throw new IOException("the router refused");
            }
            return answers.isEmpty() ? Optional.empty() : answers.poll();
        }

        @Override
        public void unmap(PortMapping mapping) {
            removed.add(mapping);
        }
    }
}
