package org.parley.control;

import io.grpc.Metadata;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.HexFormat;
import org.parley.store.PrivateFiles;
import org.parley.store.ProfileHome;

/**
 * The secret that admits a local client to the control API. The daemon writes a fresh one, owner
 * read-only, into the home at each start; only processes that can read the owner's files can
 * present it, so the loopback port is useless to other users of the machine.
 */
final class ControlToken {
    static final Metadata.Key<String> HEADER = Metadata.Key.of("parley-control-token",
            Metadata.ASCII_STRING_MARSHALLER);
    private static final int TOKEN_BYTES = 32;
    private static final int TOKEN_CHARS = TOKEN_BYTES * 2;

    private final String value;

    private ControlToken(String value) {
        this.value = value;
    }

    static ControlToken issue(ProfileHome home, SecureRandom random) throws IOException {
        byte[] bytes = new byte[TOKEN_BYTES];
        random.nextBytes(bytes);
        ControlToken token = new ControlToken(HexFormat.of().formatHex(bytes));
        PrivateFiles.writeAtomically(home.controlToken(), token.value.getBytes(StandardCharsets.US_ASCII));
        return token;
    }

    static ControlToken read(ProfileHome home) throws IOException {
        try {
            if (Files.size(home.controlToken()) != TOKEN_CHARS) {
                throw new IOException(home.controlToken() + " is malformed");
            }
            return new ControlToken(Files.readString(home.controlToken(), StandardCharsets.US_ASCII));
        } catch (NoSuchFileException e) {
            throw new IOException("no control token in " + home + "; is the daemon running?");
        }
    }

    static void remove(ProfileHome home) throws IOException {
        Files.deleteIfExists(home.controlToken());
    }

    /** Constant-time comparison, so response timing reveals nothing about the token. */
    boolean matches(String presented) {
        return presented != null && MessageDigest.isEqual(value.getBytes(StandardCharsets.US_ASCII),
                presented.getBytes(StandardCharsets.US_ASCII));
    }

    String value() {
        return value;
    }

    @Override
    public String toString() {
        return "ControlToken[redacted]";
    }
}
