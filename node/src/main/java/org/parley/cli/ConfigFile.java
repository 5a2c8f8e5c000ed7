package org.parley.cli;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;
import org.parley.api.PrintableText;

/**
 * The settings in a home's {@code parley.conf}: one {@code key = value} a line, where a key is a
 * {@code daemon} or {@code tui} option's name without its dashes and the value is what the option
 * would take ({@code true} or {@code false} for a switch); blank lines and lines starting with
 * {@code #} are skipped. Strict, so that a typo is reported rather than silently ignored: any
 * line it cannot read is a one-line error naming the file and line.
 */
final class ConfigFile {
    /** Far more than any real configuration; a bigger file is not one and is not read. */
    static final long MAX_BYTES = 64 * 1024;
    private static final Pattern KEY = Pattern.compile("[a-z][a-z0-9-]*");

    /** A value and the line that set it. */
    record Setting(String value, int line) {
    }

    private final Path file;
    private final Map<String, Setting> settings;

    private ConfigFile(Path file, Map<String, Setting> settings) {
        this.file = file;
        this.settings = Collections.unmodifiableMap(settings);
    }

    /** Reads {@code file}; one that does not exist holds no settings. */
    static ConfigFile read(Path file) throws CliException {
        String text;
        try {
            if (Files.size(file) > MAX_BYTES) {
                throw new CliException("config " + file + " is larger than " + MAX_BYTES / 1024 + " KiB");
            }
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(Files.readAllBytes(file))).toString();
        } catch (NoSuchFileException e) {
            return new ConfigFile(file, Map.of());
        } catch (CharacterCodingException e) {
            throw new CliException("config " + file + " is not UTF-8 text");
        } catch (IOException e) {
            throw new CliException("cannot read config " + file + ": " + e.getMessage(), e);
        }
        Map<String, Setting> settings = new LinkedHashMap<>();
        String[] lines = text.split("\r?\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].strip();
            int number = i + 1;
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            int equals = line.indexOf('=');
            if (equals < 0) {
                throw at(file, number, "expected 'key = value'");
            }
            String key = line.substring(0, equals).strip();
            String value = line.substring(equals + 1).strip();
            if (!KEY.matcher(key).matches()) {
                throw at(file, number, "'" + PrintableText.oneLine(key) + "' is not a key (an option's name without "
                        + "its dashes, such as 'listen')");
            }
            if (value.isEmpty()) {
                throw at(file, number, "key '" + key + "' has no value");
            }
            if (settings.putIfAbsent(key, new Setting(value, number)) != null) {
                throw at(file, number, "key '" + key + "' is set twice (first on line "
                        + settings.get(key).line() + ")");
            }
        }
        return new ConfigFile(file, settings);
    }

    Path file() {
        return file;
    }

    Map<String, Setting> settings() {
        return settings;
    }

    /** A one-line error about the setting of {@code key}; the problem may quote the value, which may hold anything. */
    CliException error(String key, String problem) {
        Setting setting = settings.get(key);
        return at(file, setting == null ? 0 : setting.line(), "key '" + key + "': " + PrintableText.oneLine(problem));
    }

    private static CliException at(Path file, int line, String problem) {
        return new CliException("config " + file + (line > 0 ? " line " + line : "") + ": " + problem);
    }
}
