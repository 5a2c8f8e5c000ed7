package org.parley.cli;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;

/** JSON output for scripts: one compact document per line, field names as documented. */
final class Json {
    private static final Gson GSON = new GsonBuilder().disableHtmlEscaping().serializeNulls().create();

    private Json() {
    }

    static String of(Object value) {
        return GSON.toJson(value);
    }
}
