package org.parley.files;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Set;

/**
 * Turns a name a peer suggested into one safe to create in the downloads folder: a single path
 * element (no separators, no {@code .} or {@code ..}, nothing absolute), no control characters or
 * NUL, none of the characters or device names Windows refuses, no leading dot (a hidden file) or
 * trailing dot or space, at most {@link #MAX_BYTES} bytes of UTF-8 with its extension kept. What
 * is left of a name that had nothing usable is {@code "file"}.
 */
public final class FileNames {
    /** Most file systems take 255 bytes per name; this leaves room for " (999)" and a part suffix. */
    static final int MAX_BYTES = 200;
    private static final String FALLBACK = "file";
    private static final Set<String> WINDOWS_DEVICES = Set.of("CON", "PRN", "AUX", "NUL",
            "COM1", "COM2", "COM3", "COM4", "COM5", "COM6", "COM7", "COM8", "COM9",
            "LPT1", "LPT2", "LPT3", "LPT4", "LPT5", "LPT6", "LPT7", "LPT8", "LPT9");
    private static final String WINDOWS_RESERVED = "<>:\"/\\|?*";

    private FileNames() {
    }

    public static String sanitize(String suggested) {
        String name = suggested;
        // Only the last path element counts, whichever separator the sender's system uses.
        int cut = Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\'));
        name = name.substring(cut + 1);
        StringBuilder clean = new StringBuilder();
        name.codePoints().forEach(point -> {
            if (Character.isISOControl(point) || WINDOWS_RESERVED.indexOf(point) >= 0
                    || Character.getType(point) == Character.FORMAT || Character.getType(point) == Character.UNASSIGNED
                    || Character.getType(point) == Character.SURROGATE || Character.getType(point) == Character.PRIVATE_USE) {
                clean.append('_');
            } else {
                clean.appendCodePoint(point);
            }
        });
        name = clean.toString().strip();
        while (name.startsWith(".")) {
            name = name.substring(1);
        }
        while (name.endsWith(".") || name.endsWith(" ")) {
            name = name.substring(0, name.length() - 1);
        }
        if (name.isEmpty()) {
            return FALLBACK;
        }
        String stem = stem(name);
        if (WINDOWS_DEVICES.contains(stem.toUpperCase(Locale.ROOT).strip())) {
            name = "_" + name;
        }
        return shorten(name);
    }

    /** The name without its extension (the part after the last dot, if any). */
    private static String stem(String name) {
        int dot = name.indexOf('.');
        return dot < 0 ? name : name.substring(0, dot);
    }

    private static String shorten(String name) {
        if (utf8Length(name) <= MAX_BYTES) {
            return name;
        }
        int dot = name.lastIndexOf('.');
        String extension = dot > 0 && name.length() - dot <= 16 ? name.substring(dot) : "";
        String stem = name.substring(0, name.length() - extension.length());
        int budget = MAX_BYTES - utf8Length(extension);
        StringBuilder kept = new StringBuilder();
        int used = 0;
        for (int i = 0; i < stem.length(); ) {
            int point = stem.codePointAt(i);
            int bytes = utf8Length(new String(Character.toChars(point)));
            if (used + bytes > budget) {
                break;
            }
            kept.appendCodePoint(point);
            used += bytes;
            i += Character.charCount(point);
        }
        return kept + extension;
    }

    private static int utf8Length(String text) {
        return text.getBytes(StandardCharsets.UTF_8).length;
    }

    /**
     * A path in {@code folder} named like {@code safeName} that does not exist yet:
     * {@code name.ext}, then {@code name (1).ext}, {@code name (2).ext}… The caller still creates
     * it without replacing (another process may have taken it since).
     */
    public static Path unused(Path folder, String safeName, int attempt) {
        if (attempt == 0) {
            return folder.resolve(safeName);
        }
        int dot = safeName.lastIndexOf('.');
        String stem = dot > 0 ? safeName.substring(0, dot) : safeName;
        String extension = dot > 0 ? safeName.substring(dot) : "";
        return folder.resolve(stem + " (" + attempt + ")" + extension);
    }

    /** Whether {@code path} is directly inside {@code folder}: the last check before a file is written. */
    public static boolean directlyInside(Path folder, Path path) throws IOException {
        Path parent = path.toAbsolutePath().normalize().getParent();
        return parent != null && Files.isSameFile(parent, folder);
    }
}
