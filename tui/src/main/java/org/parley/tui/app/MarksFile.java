package org.parley.tui.app;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.parley.tui.model.ConversationMarks;

/**
 * The marks in a small text file in the home, one per line: {@code read ID MILLIS} or
 * {@code muted ID}. The file is only ever the client's own, but it is read as untrusted: a line
 * that is not exactly one of those (an ID that is not a peer or group ID, a bad number, an
 * over-long file cut short) is skipped, never fatal. It is replaced whole, never written in place.
 */
public final class MarksFile implements MarksStore {
    private static final Logger LOG = Logger.getLogger(MarksFile.class.getName());
    /** Far more than any user's conversations need; a larger file is read only this far. */
    static final int MAX_BYTES = 1 << 20;

    /** Whom the user talks to, and when they last read, is nobody else's business on this machine. */
    private static final Set<PosixFilePermission> OWNER_ONLY =
            EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);

    private final Path file;

    public MarksFile(Path file) {
        this.file = file;
    }

    @Override
    public ConversationMarks load() {
        byte[] bytes;
        try (InputStream in = Files.newInputStream(file)) {
            bytes = in.readNBytes(MAX_BYTES);
        } catch (NoSuchFileException e) {
            return new ConversationMarks(true);
        } catch (IOException e) {
            LOG.log(Level.WARNING, "cannot read " + file + "; unread counts start afresh", e);
            return new ConversationMarks(true);
        }
        ConversationMarks marks = new ConversationMarks(false);
        for (String line : new String(bytes, StandardCharsets.UTF_8).split("\n", -1)) {
            String[] words = line.split(" ", -1);
            if (words.length == 3 && words[0].equals("read")) {
                parseMillis(words[2]).ifPresent(at -> marks.read(words[1], at));
            } else if (words.length == 2 && words[0].equals("muted")) {
                marks.mute(words[1], true);
            }
        }
        marks.takeChanged();
        return marks;
    }

    private static OptionalLong parseMillis(String text) {
        if (text.isEmpty() || text.length() > 19 || !text.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return OptionalLong.empty();
        }
        try {
            return OptionalLong.of(Long.parseLong(text));
        } catch (NumberFormatException e) {
            return OptionalLong.empty();
        }
    }

    @Override
    public void save(ConversationMarks marks) {
        List<String> lines = new ArrayList<>();
        Map<String, Long> read = new TreeMap<>(marks.readMarkers());
        read.forEach((id, at) -> lines.add("read " + id + " " + at));
        marks.mutedIds().stream().sorted().forEach(id -> lines.add("muted " + id));
        Path temporary = file.resolveSibling(file.getFileName() + ".new");
        try {
            Files.deleteIfExists(temporary);
            if (temporary.getFileSystem().supportedFileAttributeViews().contains("posix")) {
                Files.createFile(temporary, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
            }
            Files.write(temporary, (String.join("\n", lines) + "\n").getBytes(StandardCharsets.UTF_8));
            Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            LOG.log(Level.WARNING, "cannot save read markers to " + file, e);
        }
    }
}
