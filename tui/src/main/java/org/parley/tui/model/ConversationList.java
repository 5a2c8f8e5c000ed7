package org.parley.tui.model;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The conversations the user has, in the order the list shows them (groups, invitations to groups,
 * contacts, then message requests; by title within each), which one is open, and how many unread messages each
 * holds. A message arriving in the open conversation is read at once; elsewhere it counts.
 */
public final class ConversationList {
    private static final Comparator<Conversation> ORDER = Comparator
            .comparing((Conversation conversation) -> rank(conversation.kind()))
            .thenComparing(conversation -> conversation.title().toLowerCase(Locale.ROOT))
            .thenComparing(Conversation::id);

    private final Map<String, Conversation> byId = new LinkedHashMap<>();
    private final Set<String> muted = new HashSet<>();
    private String selectedId;

    /**
     * Adds a conversation, or updates the kind and title of a known one (its unread count stays).
     * It does not open it: a request arriving before the contacts have loaded must count unread.
     */
    public void put(Conversation.Kind kind, String id, String title) {
        Conversation known = byId.get(id);
        byId.put(id, known == null ? new Conversation(kind, id, title, 0, false, muted.contains(id))
                : known.withKind(kind).withTitle(title));
    }

    /**
     * What to open when nothing is: the first contact, else the first group or invitation. Never a
     * message request: opening one marks it read, and that is the user's choice.
     */
    public Optional<Conversation> firstToOpen() {
        List<Conversation> list = ordered();
        return list.stream().filter(conversation -> conversation.kind() == Conversation.Kind.CONTACT).findFirst()
                .or(() -> list.stream().filter(conversation -> conversation.kind() != Conversation.Kind.REQUEST)
                        .findFirst());
    }

    public void remove(String id) {
        byId.remove(id);
        if (id.equals(selectedId)) {
            selectedId = ordered().stream().findFirst().map(Conversation::id).orElse(null);
        }
    }

    public Optional<Conversation> get(String id) {
        return Optional.ofNullable(byId.get(id));
    }

    public List<Conversation> ordered() {
        List<Conversation> list = new ArrayList<>(byId.values());
        list.sort(ORDER);
        return list;
    }

    public Optional<Conversation> selected() {
        return selectedId == null ? Optional.empty() : get(selectedId);
    }

    /** Opens a conversation: its messages count as read. */
    public void select(String id) {
        Conversation conversation = byId.get(id);
        if (conversation != null) {
            selectedId = id;
            byId.put(id, conversation.withUnread(0));
        }
    }

    /** Opens the next ({@code +1}) or previous ({@code -1}) conversation in list order, wrapping around. */
    public void move(int step) {
        List<Conversation> list = ordered();
        if (list.isEmpty()) {
            return;
        }
        int index = Math.max(0, indexOfSelected(list));
        select(list.get(Math.floorMod(index + step, list.size())).id());
    }

    /** Opens the next conversation after the open one that holds unread messages; false when none does. */
    public boolean selectNextUnread() {
        List<Conversation> list = ordered();
        int start = indexOfSelected(list);
        for (int offset = 1; offset <= list.size(); offset++) {
            Conversation candidate = list.get(Math.floorMod(start + offset, list.size()));
            if (candidate.unread() > 0) {
                select(candidate.id());
                return true;
            }
        }
        return false;
    }

    /** A new incoming message in a conversation: unread unless that conversation is open. */
    public void incoming(String id) {
        Conversation conversation = byId.get(id);
        if (conversation != null && !id.equals(selectedId)) {
            byId.put(id, conversation.withUnread(conversation.unread() + 1));
        }
    }

    /** Sets a conversation's unread count, as counted from its history after its read marker. */
    public void unread(String id, int count) {
        Conversation conversation = byId.get(id);
        if (conversation != null) {
            byId.put(id, conversation.withUnread(id.equals(selectedId) ? 0 : count));
        }
    }

    /** Mutes a conversation or unmutes it; one listed later comes muted too. */
    public void muted(String id, boolean mute) {
        if (mute) {
            muted.add(id);
        } else {
            muted.remove(id);
        }
        Conversation conversation = byId.get(id);
        if (conversation != null) {
            byId.put(id, conversation.withMuted(mute));
        }
    }

    /** Which direct conversations' peers are linked now. */
    public void online(Set<String> linkedPeers) {
        byId.replaceAll((id, conversation) -> conversation.isDirect()
                ? conversation.withOnline(linkedPeers.contains(id)) : conversation);
    }

    /** Unread messages in conversations that are not muted. */
    public int totalUnread() {
        return byId.values().stream().filter(conversation -> !conversation.muted()).mapToInt(Conversation::unread)
                .sum();
    }

    private int indexOfSelected(List<Conversation> list) {
        for (int i = 0; i < list.size(); i++) {
            if (list.get(i).id().equals(selectedId)) {
                return i;
            }
        }
        return -1;
    }

    private static int rank(Conversation.Kind kind) {
        return switch (kind) {
            case GROUP -> 0;
            case INVITATION -> 1;
            case CONTACT -> 2;
            case REQUEST -> 3;
        };
    }
}
