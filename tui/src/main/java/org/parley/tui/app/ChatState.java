package org.parley.tui.app;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.parley.tui.model.ConversationList;
import org.parley.tui.model.InputLine;
import org.parley.tui.model.Timeline;

/**
 * Everything the screen shows, owned by the UI thread: the conversations, their timelines, the
 * input, the status figures, the one-line notice and an open panel (help, ID, peers, …).
 */
public final class ChatState {
    /**
     * A box of lines shown over the timeline until Esc, and below them, optionally, a picture: rows
     * of cells drawn dark on light and never wrapped (a QR code).
     */
    public record Panel(String title, List<String> lines, List<String> picture) {
        public Panel {
            lines = List.copyOf(lines);
            picture = List.copyOf(picture);
        }

        public Panel(String title, List<String> lines) {
            this(title, lines, List.of());
        }
    }

    /** The bottom line: an error in red, or a plain notice. */
    public record Notice(String text, boolean error) {
    }

    private final ConversationList conversations = new ConversationList();
    private final Map<String, Timeline> timelines = new HashMap<>();
    private final InputLine input = new InputLine();
    private String ownName = "";
    private String ownPeerId = "";
    private int links;
    private int outbox;
    private int relayed;
    private Notice notice;
    private Panel panel;
    private boolean quitting;
    private boolean showIds;
    private String unreachable;
    /**
     * Per conversation (a contact, or a group), per peer typing to us in it: when its newest start
     * came (this machine's clock). Never more than the contacts and the groups' members.
     */
    private final Map<String, Map<String, Long>> typingSince = new HashMap<>();
    /** How long a peer's start shows: it repeats one every 3 s while it types. */
    static final long TYPING_SHOWN_MILLIS = 6_000;

    /** A contact started ({@code active}) or stopped typing to us, at {@code nowMillis}. */
    public void typing(String peerId, boolean active, long nowMillis) {
        typing(peerId, peerId, active, nowMillis);
    }

    /** {@code peerId} started or stopped typing in a conversation (a group's ID, or its own for a contact). */
    public void typing(String conversationId, String peerId, boolean active, long nowMillis) {
        if (active) {
            typingSince.computeIfAbsent(conversationId, id -> new HashMap<>()).put(peerId, nowMillis);
        } else {
            Map<String, Long> typing = typingSince.get(conversationId);
            if (typing != null) {
                typing.remove(peerId);
                if (typing.isEmpty()) {
                    typingSince.remove(conversationId);
                }
            }
        }
    }

    /** Whether to show that someone is typing in a conversation (a contact's or a group's ID). */
    public boolean typing(String conversationId, long nowMillis) {
        return !typingIn(conversationId, nowMillis).isEmpty();
    }

    /** Who to show typing in a conversation, by peer ID, in no particular order. */
    public List<String> typingIn(String conversationId, long nowMillis) {
        Map<String, Long> typing = typingSince.getOrDefault(conversationId, Map.of());
        return typing.entrySet().stream().filter(start -> nowMillis - start.getValue() < TYPING_SHOWN_MILLIS)
                .map(Map.Entry::getKey).sorted().toList();
    }

    /** Forgets starts shown long enough; whether any was, so the screen is drawn again. */
    public boolean expireTyping(long nowMillis) {
        boolean expired = false;
        for (Map<String, Long> typing : typingSince.values()) {
            expired |= typing.values().removeIf(since -> nowMillis - since >= TYPING_SHOWN_MILLIS);
        }
        typingSince.values().removeIf(Map::isEmpty);
        return expired;
    }

    public ConversationList conversations() {
        return conversations;
    }

    public Timeline timeline(String conversationId) {
        return timelines.computeIfAbsent(conversationId, id -> new Timeline());
    }

    /** Whether the timeline shows each message's short ID (for /reply, /react, /edit, /delete). */
    public boolean showIds() {
        return showIds;
    }

    public void toggleIds() {
        showIds = !showIds;
    }

    public InputLine input() {
        return input;
    }

    public String ownName() {
        return ownName;
    }

    public String ownPeerId() {
        return ownPeerId;
    }

    void identity(String name, String peerId) {
        ownName = name;
        ownPeerId = peerId;
    }

    public int links() {
        return links;
    }

    void links(int count) {
        links = count;
    }

    /** Messages of ours the node still holds in its outbox (pending or relayed), as it last said. */
    public int outbox() {
        return outbox;
    }

    /** Of those, the ones mailbox replicas hold for recipients who are away. */
    public int relayed() {
        return relayed;
    }

    void counts(int outboxCount, int relayedCount) {
        outbox = outboxCount;
        relayed = relayedCount;
    }

    public Optional<Notice> notice() {
        return Optional.ofNullable(notice);
    }

    void notice(Notice shown) {
        notice = shown;
    }

    public Optional<Panel> panel() {
        return Optional.ofNullable(panel);
    }

    void panel(Panel shown) {
        panel = shown;
    }

    /** Why the node does not answer, while it does not; the status bar shows it. */
    public Optional<String> unreachable() {
        return Optional.ofNullable(unreachable);
    }

    void unreachable(String why) {
        unreachable = why;
    }

    public boolean quitting() {
        return quitting;
    }

    void quit() {
        quitting = true;
    }

}
