package org.parley.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.parley.link.DialTarget;
import org.parley.store.ProfileHome;

/**
 * The seeds a node falls back on to join the network: the home's {@code seeds} file, one
 * {@code [PEERID@]HOST:PORT} a line ({@code #} starts a comment), plus whatever {@code --bootstrap}
 * adds. The node keeps links to them as it does to bootstrap peers: dialled at start, redialled
 * with backoff (at the longest backoff once the node is well linked without them).
 */
final class SeedList {
    /** More than anyone needs; a longer file is a mistake, not a seed list. */
    static final int MAX_SEEDS = 64;

    private SeedList() {
    }

    /** The home's seeds followed by {@code extra}, each once. */
    static List<DialTarget> of(ProfileHome home, List<DialTarget> extra) throws CliException {
        Set<DialTarget> seeds = new LinkedHashSet<>(read(home.seeds()));
        seeds.addAll(extra);
        return new ArrayList<>(seeds);
    }

    /** The seeds a file names; none when it does not exist. */
    static List<DialTarget> read(Path file) throws CliException {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException absent) {
            return List.of();
        } catch (IOException e) {
            throw new CliException("cannot read the seed list " + file + ": " + e.getMessage(), e);
        }
        List<DialTarget> seeds = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            int comment = line.indexOf('#');
            String entry = (comment < 0 ? line : line.substring(0, comment)).strip();
            if (entry.isEmpty()) {
                continue;
            }
            try {
                seeds.add(DialTarget.parse(entry));
            } catch (IllegalArgumentException e) {
                throw new CliException(file + " line " + (i + 1) + ": " + e.getMessage(), e);
            }
            if (seeds.size() > MAX_SEEDS) {
                throw new CliException(file + " names more than " + MAX_SEEDS + " seeds");
            }
        }
        return seeds;
    }
}
