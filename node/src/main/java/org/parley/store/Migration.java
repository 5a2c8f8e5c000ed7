package org.parley.store;

import java.util.List;

/**
 * One step of the schema: the statements that take the database from {@code version - 1} to
 * {@code version}. Steps are never edited once released; a change is a new step.
 */
record Migration(int version, List<String> statements) {
    Migration(int version, String... statements) {
        this(version, List.of(statements));
    }
}
