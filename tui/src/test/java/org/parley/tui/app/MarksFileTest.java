package org.parley.tui.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.parley.tui.model.ConversationMarks;

class MarksFileTest {
    private static final String ADA = FakeNode.peerId(2);
    private static final String GROUP = FakeNode.groupId(7);

    @TempDir
    Path directory;

    @Test
    void marksSurviveASaveAndALoad() throws Exception {
        MarksFile file = new MarksFile(directory.resolve("tui-marks"));
        ConversationMarks first = file.load();
        assertTrue(first.firstRun());
        first.read(ADA, 1234);
        first.read(ADA, 1000);
        first.read(GROUP, 99);
        first.mute(GROUP, true);
        file.save(first);

        ConversationMarks loaded = file.load();
        assertFalse(loaded.firstRun());
        assertEquals(PosixFilePermissions.fromString("rw-------"),
                Files.getPosixFilePermissions(directory.resolve("tui-marks")), "only the owner reads it");
        assertEquals(Map.of(ADA, 1234L, GROUP, 99L), loaded.readMarkers(), "a marker never moves back");
        assertEquals(Set.of(GROUP), loaded.mutedIds());
        assertFalse(loaded.takeChanged(), "loading is no change");
    }

    @Test
    void malformedAndHostileLinesAreSkippedAndTheRestKept() throws Exception {
        Path path = directory.resolve("tui-marks");
        Files.writeString(path, String.join("\n",
                "read " + ADA + " 500",
                "read " + ADA,
                "read \u001b[2Jevil 5",
                "read UPPER 5",
                "read " + GROUP + " -3",
                "read " + GROUP + " 99999999999999999999999",
                "read " + GROUP + " 12x",
                "muted " + "a".repeat(200),
                "muted bad\u0007id",
                "muted " + GROUP + " extra",
                "unknown " + ADA,
                "\u0000\u0001garbage",
                "muted " + ADA), StandardCharsets.UTF_8);
        ConversationMarks loaded = new MarksFile(path).load();
        assertEquals(Map.of(ADA, 500L), loaded.readMarkers());
        assertEquals(Set.of(ADA), loaded.mutedIds());
    }

    @Test
    void anOversizedFileIsReadOnlyUpToItsLimit() throws Exception {
        Path path = directory.resolve("tui-marks");
        StringBuilder text = new StringBuilder("read " + ADA + " 7\n");
        String filler = "x".repeat(1000) + "\n";
        while (text.length() < MarksFile.MAX_BYTES + 10_000) {
            text.append(filler);
        }
        text.append("muted ").append(ADA).append('\n');
        Files.writeString(path, text.toString(), StandardCharsets.UTF_8);
        ConversationMarks loaded = new MarksFile(path).load();
        assertEquals(Map.of(ADA, 7L), loaded.readMarkers());
        assertTrue(loaded.mutedIds().isEmpty(), "nothing past the limit is read");
    }

    @Test
    void aConversationIdThatIsNoPeerOrGroupIdIsNeverStored() {
        ConversationMarks marks = new ConversationMarks(false);
        marks.read("evil\nread " + ADA + " 9", 5);
        marks.mute("x y", true);
        assertTrue(marks.readMarkers().isEmpty());
        assertTrue(marks.mutedIds().isEmpty());
    }
}
