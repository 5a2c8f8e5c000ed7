package org.parley.messaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class PrekeyRotationTest {
    private static final long DAY = Duration.ofDays(1).toMillis();
    private static final long START = 1_700_000_000_000L;

    @Test
    void theFirstPrekeyIsDueAtOnce() {
        PrekeyRotation.Due due = PrekeyRotation.due(List.of(), START);
        assertTrue(due.replace());
        assertEquals(1, due.newId());
        assertTrue(due.forget().isEmpty());
    }

    @Test
    void aPrekeyIsReplacedAfterAWeekNotBefore() {
        List<PrekeyRotation.Made> one = List.of(new PrekeyRotation.Made(1, START));
        assertTrue(PrekeyRotation.due(one, START + 7 * DAY - 1).nothing());
        PrekeyRotation.Due due = PrekeyRotation.due(one, START + 7 * DAY);
        assertTrue(due.replace());
        assertEquals(2, due.newId());
        assertTrue(due.forget().isEmpty(), "the replaced prekey stays for starts still travelling");
    }

    @Test
    void aReplacedPrekeyIsForgottenAsLongAfterItsReplacementAsAnEnvelopeLives() {
        long replacedAt = START + 7 * DAY;
        List<PrekeyRotation.Made> three = List.of(new PrekeyRotation.Made(3, replacedAt + 7 * DAY),
                new PrekeyRotation.Made(1, START), new PrekeyRotation.Made(2, replacedAt));
        long keptUntil = replacedAt + PrekeyRotation.KEEP_REPLACED_FOR.toMillis();
        assertFalse(PrekeyRotation.due(three, keptUntil - 1).forget().contains(1));
        assertEquals(List.of(1), PrekeyRotation.due(three, keptUntil).forget());
        assertEquals(List.of(1, 2), PrekeyRotation.due(three, keptUntil + 7 * DAY).forget());
        assertEquals(4, PrekeyRotation.due(three, keptUntil).newId());
    }
}
