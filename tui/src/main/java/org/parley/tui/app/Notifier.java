package org.parley.tui.app;

/** How the client gets the user's attention outside the screen's cells. */
public interface Notifier {
    /** A message arrived in a conversation that is not open. */
    void bell();

    /** The unread total changed: the window title shows it. */
    void unread(int total);
}
