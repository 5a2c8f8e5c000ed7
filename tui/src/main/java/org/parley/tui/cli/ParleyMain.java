package org.parley.tui.cli;

import org.parley.cli.ParleyCli;

/** The runnable jar's entry: every {@code parley} command, plus the terminal client's {@code tui} and {@code demo}. */
public final class ParleyMain {
    private ParleyMain() {
    }

    public static void main(String[] args) {
        ParleyCli.run(args, new TuiCommand(), new DemoCommand());
    }
}
