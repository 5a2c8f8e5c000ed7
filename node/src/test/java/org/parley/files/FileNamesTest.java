package org.parley.files;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileNamesTest {
    @TempDir
    Path folder;

    @Test
    void anOrdinaryNameStaysAsItIs() {
        assertEquals("holiday photo.jpg", FileNames.sanitize("holiday photo.jpg"));
        assertEquals("Отчёт 2026.pdf", FileNames.sanitize("Отчёт 2026.pdf"));
    }

    @Test
    void pathsKeepOnlyTheirLastElement() {
        assertEquals("passwd", FileNames.sanitize("../../etc/passwd"));
        assertEquals("passwd", FileNames.sanitize("/etc/passwd"));
        assertEquals("evil.exe", FileNames.sanitize("C:\\Windows\\System32\\evil.exe"));
        assertEquals("x", FileNames.sanitize("..\\..\\x"));
        assertEquals("file", FileNames.sanitize(".."));
        assertEquals("file", FileNames.sanitize("."));
        assertEquals("file", FileNames.sanitize("a/"));
        assertEquals("file", FileNames.sanitize(""));
    }

    @Test
    void controlCharactersNulAndReservedCharactersAreReplaced() {
        assertEquals("a_b.txt", FileNames.sanitize("a\u0000b.txt"));
        assertEquals("a_b", FileNames.sanitize("a\nb"));
        assertEquals("_[31mred", FileNames.sanitize("\u001b[31mred"));
        assertEquals("a_b_c_d", FileNames.sanitize("a:b*c?d"));
        assertEquals("txt.exe", FileNames.sanitize("\u202etxt.exe").substring(1), "a direction override goes");
        assertFalse(FileNames.sanitize("\u202etxt.exe").contains("\u202e"));
    }

    @Test
    void hiddenNamesAndTrailingDotsOrSpacesAreTrimmed() {
        assertEquals("bashrc", FileNames.sanitize(".bashrc"));
        assertEquals("name", FileNames.sanitize("name. . "));
    }

    @Test
    void windowsDeviceNamesAreDefused() {
        for (String device : List.of("CON", "con.txt", "NUL", "aux.tar.gz", "COM1", "lpt9.log", "PRN")) {
            assertTrue(FileNames.sanitize(device).startsWith("_"), device);
        }
        assertEquals("CONSOLE.txt", FileNames.sanitize("CONSOLE.txt"));
    }

    @Test
    void veryLongNamesAreCutToTheLimitKeepingTheExtension() {
        String name = FileNames.sanitize("é".repeat(5000) + ".tar.gz");
        assertTrue(name.getBytes(StandardCharsets.UTF_8).length <= FileNames.MAX_BYTES, name.length() + " chars");
        assertTrue(name.endsWith(".gz"));
        assertFalse(name.contains("\ufffd"), "no character cut in half");
    }

    @Test
    void everySanitisedNameIsCreatedDirectlyInsideTheFolder() throws Exception {
        for (String hostile : List.of("../x", "/tmp/x", "a/../../b", "..", "\u0000", "C:\\x", "~/x",
                "x".repeat(1000), "con", " ")) {
            Path path = FileNames.unused(folder, FileNames.sanitize(hostile), 0);
            Files.createFile(path);
            assertTrue(FileNames.directlyInside(folder, path), hostile);
            Files.delete(path);
        }
    }

    @Test
    void takenNamesGetANumberBeforeTheExtension() {
        assertEquals(folder.resolve("a.txt"), FileNames.unused(folder, "a.txt", 0));
        assertEquals(folder.resolve("a (1).txt"), FileNames.unused(folder, "a.txt", 1));
        assertEquals(folder.resolve("a (2)"), FileNames.unused(folder, "a", 2));
    }
}
