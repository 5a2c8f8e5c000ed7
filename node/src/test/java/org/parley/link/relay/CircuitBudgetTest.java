package org.parley.link.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.parley.runtime.VirtualScheduler;

class CircuitBudgetTest {
    private final VirtualScheduler clock = new VirtualScheduler(1_700_000_000_000L);
    private final RelayLimits limits = RelayLimits.defaults().withCircuitBudget(1000, 5000, Duration.ofMinutes(1));

    @Test
    void aSecondsWorthPassesAtOnceAndMoreWaitsForTheRate() {
        CircuitBudget budget = new CircuitBudget(clock, limits);
        assertEquals(Duration.ZERO, budget.charge(1000).delay());
        assertEquals(Duration.ofMillis(500), budget.charge(500).delay());
        clock.advance(Duration.ofMillis(500));
        assertEquals(Duration.ZERO, budget.charge(0).delay());
        assertEquals(Duration.ofMillis(100), budget.charge(100).delay());
    }

    @Test
    void aCircuitIsSpentAtItsByteLimit() {
        CircuitBudget budget = new CircuitBudget(clock, limits);
        for (int i = 0; i < 5; i++) {
            assertEquals(Optional.empty(), budget.charge(1000).spent());
            clock.advance(Duration.ofSeconds(1));
        }
        assertEquals(Optional.of("circuit reached its 5000 byte limit"), budget.charge(1).spent());
    }

    @Test
    void aCircuitIsSpentAtItsDurationLimit() {
        CircuitBudget budget = new CircuitBudget(clock, limits);
        clock.advance(Duration.ofSeconds(59));
        assertTrue(budget.charge(1).spent().isEmpty());
        assertEquals(Duration.ofSeconds(1), budget.remaining());
        clock.advance(Duration.ofSeconds(1));
        assertEquals(Optional.of("circuit reached its 60 s limit"), budget.charge(1).spent());
    }
}
