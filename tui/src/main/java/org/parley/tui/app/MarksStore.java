package org.parley.tui.app;

import java.util.Map;
import java.util.Set;
import org.parley.tui.model.ConversationMarks;

/** Where the client keeps its {@link ConversationMarks} between runs. */
public interface MarksStore {
    ConversationMarks load();

    void save(ConversationMarks marks);

    /** Remembers for as long as it lives: for the demo, and for tests that restart a client. */
    static MarksStore inMemory() {
        return new MarksStore() {
            private Map<String, Long> read;
            private Set<String> muted;

            @Override
            public synchronized ConversationMarks load() {
                ConversationMarks marks = new ConversationMarks(read == null);
                if (read != null) {
                    read.forEach(marks::read);
                    muted.forEach(id -> marks.mute(id, true));
                    marks.takeChanged();
                }
                return marks;
            }

            @Override
            public synchronized void save(ConversationMarks marks) {
                read = marks.readMarkers();
                muted = marks.mutedIds();
            }
        };
    }
}
