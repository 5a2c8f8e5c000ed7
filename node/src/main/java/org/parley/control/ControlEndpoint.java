package org.parley.control;

import com.google.gson.Gson;
import com.google.gson.JsonParseException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.util.Optional;
import org.parley.store.PrivateFiles;
import org.parley.store.ProfileHome;

/**
 * Where a home's daemon serves its control API, as published in the home's {@code control.json}:
 * the transport ({@value #UNIX}: the home's {@code control.sock}; {@value #TCP}: a loopback port,
 * only when the daemon was asked for it) and the daemon's process ID.
 */
record ControlEndpoint(String transport, int port, long pid) {
    static final String UNIX = "unix";
    static final String TCP = "tcp";
    private static final Gson GSON = new Gson();
    private static final int MAX_FILE_BYTES = 4096;

    static ControlEndpoint socket(long pid) {
        return new ControlEndpoint(UNIX, 0, pid);
    }

    static ControlEndpoint loopback(int port, long pid) {
        return new ControlEndpoint(TCP, port, pid);
    }

    boolean onSocket() {
        return UNIX.equals(transport);
    }

    void publish(ProfileHome home) throws IOException {
        PrivateFiles.writeAtomically(home.controlEndpoint(), GSON.toJson(this).getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Reads the published endpoint; empty when no daemon published one.
     *
     * @throws IOException when the file exists but is unreadable or malformed (which includes a
     *     file without a transport, as daemons before the socket wrote: its port is not trusted)
     */
    static Optional<ControlEndpoint> read(ProfileHome home) throws IOException {
        byte[] bytes;
        try {
            if (Files.size(home.controlEndpoint()) > MAX_FILE_BYTES) {
                throw new IOException(home.controlEndpoint() + " is too large to be a control endpoint");
            }
            bytes = Files.readAllBytes(home.controlEndpoint());
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
        ControlEndpoint endpoint;
        try {
            endpoint = GSON.fromJson(new String(bytes, StandardCharsets.UTF_8), ControlEndpoint.class);
        } catch (JsonParseException e) {
            throw new IOException(home.controlEndpoint() + " is malformed");
        }
        if (endpoint == null || endpoint.pid <= 0 || !endpoint.wellFormed()) {
            throw new IOException(home.controlEndpoint() + " is malformed");
        }
        return Optional.of(endpoint);
    }

    private boolean wellFormed() {
        if (UNIX.equals(transport)) {
            return port == 0;
        }
        return TCP.equals(transport) && port > 0 && port <= 65_535;
    }

    static void remove(ProfileHome home) throws IOException {
        Files.deleteIfExists(home.controlEndpoint());
    }
}
