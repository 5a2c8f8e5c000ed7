package org.parley.tui.app;

import com.googlecode.lanterna.input.KeyStroke;
import com.googlecode.lanterna.input.KeyType;
import org.parley.tui.model.Completion;
import org.parley.tui.model.Conversation;
import org.parley.tui.model.InputLine;

/**
 * What each key does: readline's editing keys on the input, Enter sends it, and the keys that
 * switch and scroll conversations, complete, help and quit. Between the markers of a bracketed
 * paste every key is text: a pasted line break joins the input instead of sending it, and a
 * pasted control character neither quits nor edits.
 */
final class KeyMap {
    private final ChatState state;
    private final Commands commands;
    private final Navigator navigator;
    private final HistoryPager history;
    private boolean pasting;

    KeyMap(ChatState state, Commands commands, Navigator navigator, HistoryPager history) {
        this.state = state;
        this.commands = commands;
        this.navigator = navigator;
        this.history = history;
    }

    void onKey(KeyStroke key, Geometry geometry) {
        state.notice(null);
        InputLine input = state.input();
        if (key instanceof BracketedPaste.Marker marker) {
            pasting = marker.isStart();
            return;
        }
        if (pasting) {
            onPasted(key, input);
            return;
        }
        KeyType type = key.getKeyType();
        boolean ctrl = key.isCtrlDown();
        boolean alt = key.isAltDown();
        if (type == KeyType.Character) {
            onCharacter(key.getCharacter(), ctrl, alt, input);
            return;
        }
        switch (type) {
            case Enter -> {
                if (alt) {
                    input.insert("\n");
                } else {
                    commands.submit(input.submit());
                }
            }
            case Backspace -> input.backspace();
            case Delete -> input.delete();
            case ArrowLeft -> {
                if (ctrl || alt) {
                    input.wordLeft();
                } else {
                    input.left();
                }
            }
            case ArrowRight -> {
                if (ctrl || alt) {
                    input.wordRight();
                } else {
                    input.right();
                }
            }
            case ArrowUp -> {
                if (ctrl || alt) {
                    navigator.move(-1);
                } else {
                    input.historyBack();
                }
            }
            case ArrowDown -> {
                if (ctrl || alt) {
                    navigator.move(1);
                } else {
                    input.historyForward();
                }
            }
            case Home -> input.home();
            case End -> input.end();
            case PageUp -> history.scroll(geometry, Math.max(1, geometry.timelineHeight() - 1));
            case PageDown -> history.scroll(geometry, -Math.max(1, geometry.timelineHeight() - 1));
            case Tab -> Completion.complete(input, state.conversations().ordered().stream()
                    .map(Conversation::title).toList());
            case F1 -> commands.help();
            case Escape -> state.panel(null);
            default -> {
            }
        }
    }

    /**
     * A key inside a paste: text, line breaks and tabs go into the input; anything else is
     * dropped, except Esc, which ends a paste whose end marker never came.
     */
    private void onPasted(KeyStroke key, InputLine input) {
        switch (key.getKeyType()) {
            case Character -> {
                if (!key.isCtrlDown() && !key.isAltDown()) {
                    input.insert(String.valueOf(key.getCharacter()));
                }
            }
            case Enter -> input.insert("\n");
            case Tab -> input.insert("\t");
            case Escape -> pasting = false;
            default -> {
            }
        }
    }

    private void onCharacter(char c, boolean ctrl, boolean alt, InputLine input) {
        if (ctrl) {
            switch (Character.toLowerCase(c)) {
                case 'a' -> input.home();
                case 'e' -> input.end();
                case 'b' -> input.left();
                case 'f' -> input.right();
                case 'd' -> input.delete();
                case 'h' -> input.backspace();
                case 'w' -> input.cutWordBack();
                case 'u' -> input.cutToStart();
                case 'k' -> input.cutToEnd();
                case 'n' -> navigator.move(1);
                case 'p' -> navigator.move(-1);
                case 'x' -> navigator.nextUnread();
                case 'q', 'c' -> state.quit();
                default -> {
                }
            }
        } else if (alt) {
            switch (Character.toLowerCase(c)) {
                case 'b' -> input.wordLeft();
                case 'f' -> input.wordRight();
                case 'a' -> navigator.nextUnread();
                default -> {
                }
            }
        } else {
            input.insert(String.valueOf(c));
        }
    }
}
