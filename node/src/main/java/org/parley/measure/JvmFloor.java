package org.parley.measure;

/**
 * A program that does nothing: the time a JVM takes to start, run it and exit is the floor under
 * any command of Parley's, measured beside it by the command-line benchmark.
 */
public final class JvmFloor {
    private JvmFloor() {
    }

    public static void main(String[] arguments) {
        // Nothing: what is measured is the JVM around it.
    }
}
