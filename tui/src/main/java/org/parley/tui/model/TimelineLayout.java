package org.parley.tui.model;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.parley.tui.text.TextWidth;

/**
 * Lays a conversation's messages out as rows of a given width: a separator where the day
 * changes, then per message {@code HH:MM M sender: text}, where M is the delivery mark of an own
 * message, wrapped by display width with continuation rows indented under the text's start. A
 * reply has a row quoting the start of what it replies to above it; an edited message ends in
 * "(edited)"; a deleted one shows a placeholder; reactions get a row below, counted by emoji; a
 * message that offered a file gets a row with its progress bar or state ({@link FileProgress}).
 */
public final class TimelineLayout {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm", Locale.ROOT);
    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("EEE d MMM yyyy", Locale.ROOT);
    private static final String INDENT = "        ";

    /** A row and what it shows, so the screen can style it. */
    public record Row(String text, Kind kind) {
        public enum Kind {
            DAY, OWN, INCOMING, FAILED
        }
    }

    /** Messages laid out before, at {@link #cachedWidth}: a redraw wraps only what is new or changed. */
    private static final int CACHE_SIZE = 20_000;

    private final ZoneId zone;
    private final Map<Laid, List<Row>> cache = new LinkedHashMap<>(256, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Laid, List<Row>> eldest) {
            return size() > CACHE_SIZE;
        }
    };
    private int cachedWidth = -1;

    public TimelineLayout(ZoneId zone) {
        this.zone = zone;
    }

    /** A message as laid out: the entry and the short ID shown with it (empty when IDs are hidden). */
    private record Laid(TimelineEntry entry, String shortId) {
    }

    public List<Row> rows(List<TimelineEntry> entries, int width) {
        return rows(entries, width, false);
    }

    /** As {@link #rows(List, int)}; with {@code showIds}, each message's head names its short ID ({@link ShortIds}). */
    public List<Row> rows(List<TimelineEntry> entries, int width, boolean showIds) {
        return rows(entries, Map.of(), width, showIds);
    }

    /** As {@link #rows(List, int)}, with a row under each message that offered one of {@code files} (by message ID). */
    public List<Row> rows(List<TimelineEntry> entries, Map<String, org.parley.api.FileView> files, int width) {
        return rows(entries, files, width, false);
    }

    /** As {@link #rows(List, int, boolean)}, with a row under each message that offered one of {@code files}. */
    public List<Row> rows(List<TimelineEntry> entries, Map<String, org.parley.api.FileView> files, int width,
                          boolean showIds) {
        Map<String, String> shortIds = showIds ? ShortIds.of(entries.stream().map(TimelineEntry::id).toList())
                : Map.of();
        if (width != cachedWidth) {
            cache.clear();
            cachedWidth = width;
        }
        List<Row> rows = new ArrayList<>();
        Map<String, TimelineEntry> byId = new java.util.HashMap<>();
        entries.forEach(entry -> byId.put(entry.id(), entry));
        LocalDate day = null;
        for (TimelineEntry entry : entries) {
            Instant at = Instant.ofEpochMilli(entry.at());
            LocalDate entryDay = at.atZone(zone).toLocalDate();
            if (!entryDay.equals(day)) {
                rows.add(new Row(daySeparator(entryDay, width), Row.Kind.DAY));
                day = entryDay;
            }
            if (entry.extras().replyTo() != null) {
                rows.add(ConversationRows.quote(entry, byId.get(entry.extras().replyTo()), INDENT, width));
            }
            String shortId = shortIds.getOrDefault(entry.id(), "");
            rows.addAll(cache.computeIfAbsent(new Laid(entry, shortId), laid -> message(entry, shortId, at, width)));
            org.parley.api.FileView file = files.get(entry.id());
            if (file != null && !entry.extras().deleted()) {
                rows.add(FileProgress.row(file, INDENT, width, entry.own() ? Row.Kind.OWN : Row.Kind.INCOMING));
            }
        }
        return rows;
    }

    private List<Row> message(TimelineEntry entry, String shortId, Instant at, int width) {
        Row.Kind kind = entry.mark() == DeliveryMark.FAILED ? Row.Kind.FAILED
                : entry.own() ? Row.Kind.OWN : Row.Kind.INCOMING;
        String mark = entry.own() ? entry.mark().symbol() : " ";
        String head = TIME.format(at.atZone(zone)) + (shortId.isEmpty() ? "" : " #" + TextWidth.printable(shortId))
                + " " + mark + " " + entry.sender() + ": ";
        String text = entry.reason() != null && entry.mark() == DeliveryMark.FAILED
                ? entry.text() + " (failed: " + entry.reason() + ")" : ConversationRows.text(entry);
        int headWidth = TextWidth.columns(head);
        List<String> lines = TextWidth.wrap(text, Math.max(2, width - headWidth), Math.max(2, width - INDENT.length()));
        List<Row> rows = new ArrayList<>(lines.size());
        rows.add(new Row(head + lines.get(0), kind));
        lines.subList(1, lines.size()).forEach(line -> rows.add(new Row(INDENT + line, kind)));
        ConversationRows.reactions(entry, INDENT, width).ifPresent(rows::add);
        return List.copyOf(rows);
    }

    private static String daySeparator(LocalDate day, int width) {
        String label = " " + DAY.format(day) + " ";
        int side = Math.max(0, (width - TextWidth.columns(label)) / 2);
        return "─".repeat(side) + label + "─".repeat(Math.max(0, width - side - TextWidth.columns(label)));
    }
}
