package org.parley.tui.app;

import com.googlecode.lanterna.SGR;
import com.googlecode.lanterna.TerminalPosition;
import com.googlecode.lanterna.TerminalSize;
import com.googlecode.lanterna.TextCharacter;
import com.googlecode.lanterna.TextColor;
import com.googlecode.lanterna.screen.Screen;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.parley.tui.model.Conversation;
import org.parley.tui.model.InputLine;
import org.parley.tui.model.ListWindow;
import org.parley.tui.model.Timeline;
import org.parley.tui.model.TimelineLayout;
import org.parley.tui.text.TextWidth;

/**
 * Draws the {@link ChatState} on a screen: the conversation list on the left, the open
 * conversation's timeline on the right, then the status bar and the input line. Every cell is
 * placed by display width, so wide characters never overlap their neighbours.
 */
public final class ChatRenderer {
    static final String NEW_BELOW = " new messages below (PgDn) ";
    /** The status bar's start while the node does not answer: what is shown may be out of date. */
    static final String UNREACHABLE = "NOT CONNECTED, shown may be stale: ";
    private static final int MIN_LIST_WIDTH = 14;
    private static final int MAX_LIST_WIDTH = 26;
    private static final String PROMPT = "> ";

    private final TimelineLayout layout;

    public ChatRenderer(TimelineLayout layout) {
        this.layout = layout;
    }

    /** Where the timeline goes on a screen of this size. */
    public static Geometry geometry(TerminalSize size) {
        int listWidth = listWidth(size.getColumns());
        return new Geometry(Math.max(2, size.getColumns() - listWidth - 1), Math.max(1, size.getRows() - 3));
    }

    public void draw(ChatState state, Screen screen) {
        TerminalSize size = screen.getTerminalSize();
        screen.clear();
        int columns = size.getColumns();
        int rows = size.getRows();
        if (columns < 20 || rows < 6) {
            text(screen, 0, 0, "window too small", columns, TextColor.ANSI.DEFAULT, false);
            screen.setCursorPosition(null);
            return;
        }
        int listWidth = listWidth(columns);
        int mainRows = rows - 2;
        drawList(state, screen, listWidth, mainRows);
        for (int row = 0; row < mainRows; row++) {
            screen.setCharacter(listWidth, row, new TextCharacter('│'));
        }
        int left = listWidth + 1;
        int width = columns - left;
        Optional<ChatState.Panel> panel = state.panel();
        if (panel.isPresent()) {
            drawPanel(panel.get(), screen, left, width, mainRows);
        } else {
            drawTimeline(state, screen, left, width, mainRows);
        }
        state.notice().ifPresent(notice -> text(screen, left, mainRows - 1, notice.text(), width,
                notice.error() ? TextColor.ANSI.RED : TextColor.ANSI.CYAN, true));
        drawStatus(state, screen, rows - 2, columns);
        drawInput(state.input(), screen, rows - 1, columns);
    }

    private static int listWidth(int columns) {
        return Math.max(MIN_LIST_WIDTH, Math.min(MAX_LIST_WIDTH, columns / 4));
    }

    /** One row of the conversation list: a section's heading, or a conversation. */
    private record ListLine(String heading, Conversation conversation) {
    }

    /**
     * The conversation list, scrolled so the open conversation shows; a marker row says how many
     * are hidden above or below, and how many unread messages those below hold (requests come last).
     */
    private void drawList(ChatState state, Screen screen, int width, int rows) {
        String selected = state.conversations().selected().map(Conversation::id).orElse(null);
        List<Conversation> conversations = state.conversations().ordered();
        if (conversations.isEmpty()) {
            text(screen, 0, 0, "no conversations", width, TextColor.ANSI.DEFAULT, false);
            text(screen, 0, 1, "/add PEER_ID NAME", width, TextColor.ANSI.DEFAULT, false);
            return;
        }
        List<ListLine> lines = new ArrayList<>();
        int selectedLine = -1;
        Conversation.Kind section = null;
        for (Conversation conversation : conversations) {
            if (conversation.kind() != section) {
                section = conversation.kind();
                lines.add(new ListLine(heading(section), null));
            }
            if (conversation.id().equals(selected)) {
                selectedLine = lines.size();
            }
            lines.add(new ListLine(null, conversation));
        }
        ListWindow window = ListWindow.of(lines.size(), selectedLine, Math.max(3, rows));
        int row = 0;
        if (window.moreAbove()) {
            text(screen, 0, row++, "↑ " + window.hiddenAbove() + " more", width, TextColor.ANSI.YELLOW, false);
        }
        for (ListLine line : lines.subList(window.first(), window.end())) {
            if (line.conversation() == null) {
                text(screen, 0, row++, line.heading(), width, TextColor.ANSI.YELLOW, true);
            } else {
                drawConversation(screen, row++, width, line.conversation(), line.conversation().id().equals(selected));
            }
        }
        if (window.moreBelow()) {
            int unread = lines.subList(window.end(), lines.size()).stream().map(ListLine::conversation)
                    .filter(conversation -> conversation != null).mapToInt(Conversation::unread).sum();
            String more = "↓ " + window.hiddenBelow(lines.size()) + " more" + (unread > 0 ? " · " + unread + " unread" : "");
            text(screen, 0, row, more, width, unread > 0 ? TextColor.ANSI.GREEN : TextColor.ANSI.YELLOW, unread > 0);
        }
    }

    /** "typing…" for a contact; in a group, who (by contact name where known, else short ID). */
    private static String typing(ChatState state, Conversation conversation, long nowMillis) {
        List<String> typing = state.typingIn(conversation.id(), nowMillis);
        if (typing.isEmpty()) {
            return "";
        }
        if (conversation.kind() != Conversation.Kind.GROUP) {
            return "  · typing…";
        }
        List<String> names = typing.stream().map(peer -> state.conversations().get(peer)
                .filter(Conversation::isDirect).map(Conversation::title).orElse(ChatContext.shortId(peer))).toList();
        return "  · " + (names.size() > 2 ? names.size() + " members" : String.join(", ", names)) + " typing…";
    }

    private static String heading(Conversation.Kind kind) {
        return switch (kind) {
            case GROUP -> "Groups";
            case INVITATION -> "Invitations";
            case CONTACT -> "Contacts";
            case REQUEST -> "Requests";
        };
    }

    private static void drawConversation(Screen screen, int row, int width, Conversation conversation,
                                         boolean isSelected) {
        String marker = conversation.online() ? "● " : "○ ";
        String count = conversation.unread() == 0 ? "" : conversation.muted() ? " (" + conversation.unread() + ") "
                : " " + conversation.unread() + " ";
        String title = TextWidth.fit(conversation.title(), Math.max(1, width - 2 - TextWidth.columns(count)));
        String line = marker + title + " ".repeat(Math.max(0, width - 2 - TextWidth.columns(title)
                - TextWidth.columns(count))) + count;
        boolean loud = conversation.unread() > 0 && !conversation.muted();
        TextColor color = loud ? TextColor.ANSI.GREEN : TextColor.ANSI.DEFAULT;
        if (isSelected) {
            textStyled(screen, 0, row, line, width, TextColor.ANSI.DEFAULT, SGR.REVERSE);
        } else {
            text(screen, 0, row, line, width, color, loud);
        }
    }

    private void drawTimeline(ChatState state, Screen screen, int left, int width, int rows) {
        Optional<Conversation> open = state.conversations().selected();
        if (open.isEmpty()) {
            text(screen, left, 0, "Welcome to Parley. Add a contact: /add PEER_ID NAME · your ID: /id · help: F1",
                    width, TextColor.ANSI.DEFAULT, false);
            return;
        }
        Conversation conversation = open.get();
        String header = conversation.title() + switch (conversation.kind()) {
            case REQUEST -> "  · message request: /accept or /block";
            case INVITATION -> "  · invitation: /group join or /group leave";
            case CONTACT, GROUP -> "";
        } + (conversation.muted() ? "  · muted" : "")
                + typing(state, conversation, System.currentTimeMillis())
                + "  " + conversation.id();
        text(screen, left, 0, header, width, TextColor.ANSI.DEFAULT, true);
        Timeline timeline = state.timeline(conversation.id());
        List<TimelineLayout.Row> all = layout.rows(timeline.entries(), timeline.files(), width, state.showIds());
        int height = rows - 1;
        int end = Math.max(0, all.size() - timeline.scrolledRows());
        int start = Math.max(0, end - height);
        List<TimelineLayout.Row> visible = new ArrayList<>(all.subList(start, end));
        for (int i = 0; i < visible.size(); i++) {
            TimelineLayout.Row row = visible.get(i);
            TextColor color = switch (row.kind()) {
                case DAY -> TextColor.ANSI.BLUE;
                case OWN -> TextColor.ANSI.DEFAULT;
                case INCOMING -> TextColor.ANSI.DEFAULT;
                case FAILED -> TextColor.ANSI.RED;
            };
            text(screen, left, 1 + i, row.text(), width, color, row.kind() == TimelineLayout.Row.Kind.INCOMING);
        }
        if (timeline.scrolledRows() > 0 && timeline.newBelow()) {
            textStyled(screen, left, rows - 1, center(NEW_BELOW, width), width, TextColor.ANSI.YELLOW, SGR.REVERSE);
        }
    }

    private void drawPanel(ChatState.Panel panel, Screen screen, int left, int width, int rows) {
        text(screen, left, 0, panel.title() + "  (Esc closes)", width, TextColor.ANSI.YELLOW, true);
        int row = 1;
        for (String line : panel.lines()) {
            for (String wrapped : TextWidth.wrap(line.isEmpty() ? " " : line, Math.max(2, width))) {
                if (row >= rows) {
                    return;
                }
                text(screen, left, row++, wrapped, width, TextColor.ANSI.DEFAULT, false);
            }
        }
        if (!panel.picture().isEmpty() && row < rows) {
            drawPicture(panel.picture(), screen, left, row, width, rows - 1);
        }
    }

    /**
     * Draws the picture's cells dark on light, whatever the terminal's colours, or, when it does not
     * fit above the notice row (a cut QR code does not scan), one line saying what it needs.
     */
    private static void drawPicture(List<String> picture, Screen screen, int left, int top, int width, int bottom) {
        int columns = picture.stream().mapToInt(String::length).max().orElse(0);
        if (columns > width || top + picture.size() > bottom) {
            text(screen, left, top, "the QR code needs " + columns + "x" + picture.size()
                    + " cells here: enlarge the terminal", width, TextColor.ANSI.RED, true);
            return;
        }
        for (int row = 0; row < picture.size(); row++) {
            String cells = picture.get(row);
            for (int column = 0; column < cells.length(); column++) {
                screen.setCharacter(left + column, top + row,
                        new TextCharacter(cells.charAt(column), TextColor.ANSI.BLACK, TextColor.ANSI.WHITE_BRIGHT));
            }
        }
    }

    private void drawStatus(ChatState state, Screen screen, int row, int columns) {
        String name = state.ownName().isEmpty() ? "…" : state.ownName();
        String id = state.ownPeerId().isEmpty() ? "" : " (" + ChatContext.shortId(state.ownPeerId()) + ")";
        String status = " " + name + id + " │ links " + state.links() + " │ outbox " + state.outbox()
                + " │ relayed " + state.relayed() + " │ unread " + state.conversations().totalUnread() + " │ F1 help";
        TextColor color = TextColor.ANSI.DEFAULT;
        if (state.unreachable().isPresent()) {
            status = " " + name + id + " │ " + UNREACHABLE + state.unreachable().get() + " · reconnecting…";
            color = TextColor.ANSI.RED;
        }
        textStyled(screen, 0, row, status + " ".repeat(Math.max(0, columns - TextWidth.columns(status))), columns,
                color, SGR.REVERSE);
    }

    /** The input on one row: line breaks show as ↵, and the view slides so the cursor stays visible. */
    private void drawInput(InputLine input, Screen screen, int row, int columns) {
        String shown = input.text().replace('\n', '↵');
        int room = columns - TextWidth.columns(PROMPT) - 1;
        List<String> graphemes = TextWidth.graphemes(shown);
        int cursorIndex = TextWidth.graphemes(shown.substring(0, input.cursor())).size();
        int first = 0;
        while (columnsBetween(graphemes, first, cursorIndex) > room) {
            first++;
        }
        String visible = TextWidth.fit(String.join("", graphemes.subList(first, graphemes.size())), room);
        text(screen, 0, row, PROMPT + visible, columns, TextColor.ANSI.DEFAULT, false);
        int cursorColumn = TextWidth.columns(PROMPT) + columnsBetween(graphemes, first, cursorIndex);
        screen.setCursorPosition(new TerminalPosition(cursorColumn, row));
    }

    private static int columnsBetween(List<String> graphemes, int from, int to) {
        int columns = 0;
        for (int i = from; i < to; i++) {
            columns += TextWidth.of(graphemes.get(i));
        }
        return columns;
    }

    private static String center(String text, int width) {
        int side = Math.max(0, (width - TextWidth.columns(text)) / 2);
        return "─".repeat(side) + text + "─".repeat(Math.max(0, width - side - TextWidth.columns(text)));
    }

    private static void text(Screen screen, int column, int row, String text, int width, TextColor color,
                             boolean bold) {
        if (bold) {
            textStyled(screen, column, row, text, width, color, SGR.BOLD);
        } else {
            put(screen, column, row, text, width, color, new SGR[0]);
        }
    }

    private static void textStyled(Screen screen, int column, int row, String text, int width, TextColor color,
                                   SGR style) {
        put(screen, column, row, text, width, color, new SGR[] {style});
    }

    /** Places text grapheme by grapheme, a wide one taking two cells, never past {@code width} columns. */
    private static void put(Screen screen, int column, int row, String text, int width, TextColor color,
                            SGR[] styles) {
        int used = 0;
        for (String grapheme : TextWidth.graphemes(text.replace('\n', ' '))) {
            int cells = TextWidth.of(grapheme);
            if (used + cells > width) {
                break;
            }
            TextCharacter[] character = TextCharacter.fromString(grapheme, color, TextColor.ANSI.DEFAULT, styles);
            if (character.length > 0) {
                screen.setCharacter(column + used, row, character[0]);
            }
            used += cells;
        }
        if (styles.length > 0 && styles[0] == SGR.REVERSE) {
            for (; used < width; used++) {
                screen.setCharacter(column + used, row, new TextCharacter(' ', color, TextColor.ANSI.DEFAULT, SGR.REVERSE));
            }
        }
    }
}
