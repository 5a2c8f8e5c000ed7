package org.parley.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.parley.api.FileView;
import org.parley.api.MessageView;
import org.parley.control.ControlClient;

/** A file sent between two daemons through the launcher arrives whole, checked, in the downloads folder. */
class FileTransferTest {
    @TempDir
    Path work;

    private Profiles profiles;

    @AfterEach
    void stopDaemons() throws InterruptedException {
        profiles.close();
    }

    @Test
    void sendFileArrivesIntactInTheDownloadsFolderAndHistoryShowsIt() throws Exception {
        profiles = new Profiles(work);
        String alice = profiles.init("alice");
        String bob = profiles.init("bob");
        int alicePort = Launcher.freePort();
        profiles.startDaemon("alice", alicePort);
        profiles.startDaemon("bob", Launcher.freePort(), "127.0.0.1:" + alicePort);
        profiles.awaitLinked("bob", alice);
        try (ControlClient atAlice = profiles.client("alice"); ControlClient atBob = profiles.client("bob")) {
            atAlice.addContact(bob, "bob");
            atBob.addContact(alice, "alice");
        }
        // Three and a half chunks of random bytes under a name that tries to leave the folder.
        byte[] content = new byte[3 * 256 * 1024 + 100_000];
        new Random(20).nextBytes(content);
        Path file = Files.write(work.resolve("..report.pdf"), content);
        String sha256 = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
        Launcher parley = profiles.launcher();
        String aliceHome = profiles.home("alice").toString();
        String bobHome = profiles.home("bob").toString();

        Launcher.Result sent = parley.run("send-file", "--home", aliceHome, bob, file.toString(), "--json");
        assertEquals(0, sent.exitCode(), sent.toString());
        JsonObject offered = JsonParser.parseString(sent.stdout()).getAsJsonObject().getAsJsonObject("file");
        assertEquals("..report.pdf", offered.get("name").getAsString());
        assertEquals(content.length, offered.get("size").getAsLong());
        assertEquals(sha256, offered.get("sha256").getAsString());
        assertEquals("offered", offered.get("state").getAsString());

        String messageId = JsonParser.parseString(sent.stdout()).getAsJsonObject().get("id").getAsString();
        Profiles.await(() -> lastFile("bob", alice) != null, "bob has the offer");
        Launcher.Result progress = parley.run("file", "--home", bobHome, alice, messageId, "--follow");
        assertEquals(0, progress.exitCode(), progress.toString());
        List<String> lines = progress.stdout().lines().toList();
        assertTrue(lines.get(lines.size() - 1).startsWith("..report.pdf  complete  4/4 chunks (100%)  "), lines.toString());
        FileView received = lastFile("bob", alice);
        assertEquals("complete", received.state());
        assertEquals(sha256, received.sha256());
        Path downloaded = Path.of(received.path());
        assertEquals(profiles.home("bob").resolve("downloads").resolve("report.pdf"), downloaded,
                "the leading dots go, the file stays in the folder");
        assertArrayEquals(content, Files.readAllBytes(downloaded));
        Launcher.Result history = parley.run("history", "--home", bobHome, alice, "--json");
        JsonObject listed = JsonParser.parseString(history.stdout()).getAsJsonArray().get(0).getAsJsonObject()
                .getAsJsonObject("file");
        assertEquals("complete", listed.get("state").getAsString(), history.toString());
        assertEquals(downloaded.toString(), listed.get("path").getAsString());
        assertEquals(sha256, listed.get("sha256").getAsString());

        Launcher.Result missing = parley.run("send-file", "--home", aliceHome, bob, work.resolve("nope").toString());
        assertEquals(1, missing.exitCode());
        assertTrue(missing.stderr().contains("no such file"), missing.stderr());
    }

    /** The newest file in the conversation, asked of the daemon directly (a launcher run per poll is slow). */
    private FileView lastFile(String name, String peer) throws Exception {
        List<MessageView> messages = profiles.ask(name, client -> client.history(peer, 50, Optional.empty()));
        for (int i = messages.size() - 1; i >= 0; i--) {
            if (messages.get(i).file() != null) {
                return messages.get(i).file();
            }
        }
        return null;
    }
}
