package org.parley.tui.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ShortIdsTest {
    private static final List<String> IDS = List.of("3f2a9c00aa", "3f2b1100bb", "77e0d1ffcc", "3f2a9d00dd");

    @Test
    void eachShortFormIsTheShortestPrefixNoOtherMessageShares() {
        Map<String, String> shortForms = ShortIds.of(IDS);
        assertEquals("3f2a9c", shortForms.get("3f2a9c00aa"));
        assertEquals("3f2a9d", shortForms.get("3f2a9d00dd"));
        assertEquals("3f2b", shortForms.get("3f2b1100bb"));
        assertEquals("77e0", shortForms.get("77e0d1ffcc"), "never shorter than four characters");
        for (String id : IDS) {
            assertEquals(Optional.of(id), resolve(shortForms.get(id)), "a short form names its message back");
        }
    }

    @Test
    void aPrefixThatNamesNoneOrSeveralOrIsNoIdIsRefusedNotGuessed() {
        assertEquals(Optional.empty(), resolve("0000"));
        assertEquals(Optional.of("3f2b1100bb"), resolve("#3F2B"), "case and a leading # do not matter");
        CommandParser.BadCommandException ambiguous = assertThrows(CommandParser.BadCommandException.class,
                () -> ShortIds.resolve("3f2a", IDS));
        assertTrue(ambiguous.getMessage().startsWith("more than one message"), ambiguous.getMessage());
        assertThrows(CommandParser.BadCommandException.class, () -> ShortIds.resolve("\u001b[2J", IDS));
        assertThrows(CommandParser.BadCommandException.class, () -> ShortIds.resolve("#", IDS));
    }

    private static Optional<String> resolve(String typed) {
        try {
            return ShortIds.resolve(typed, IDS);
        } catch (CommandParser.BadCommandException e) {
            throw new AssertionError(e);
        }
    }
}
