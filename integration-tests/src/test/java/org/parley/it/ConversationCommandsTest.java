package org.parley.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.parley.api.MessageView;
import org.parley.control.ControlClient;

/**
 * Replies, reactions, edits and deletions between two daemons in separate processes over TLS on
 * loopback, made with the documented commands and seen in the other side's {@code history --json}.
 */
class ConversationCommandsTest {
    @TempDir
    Path work;

    private Profiles profiles;

    @AfterEach
    void stopDaemons() throws InterruptedException {
        profiles.close();
    }

    @Test
    void aReplyReactionEditAndDeletionShowInThePeersHistory() throws Exception {
        profiles = new Profiles(work);
        String alice = profiles.init("alice");
        String bob = profiles.init("bob");
        int alicePort = Launcher.freePort();
        profiles.startDaemon("alice", alicePort);
        profiles.startDaemon("bob", Launcher.freePort(), "127.0.0.1:" + alicePort);
        profiles.awaitLinked("alice", bob);
        try (ControlClient atAlice = profiles.client("alice"); ControlClient atBob = profiles.client("bob")) {
            atAlice.addContact(bob, "bob");
            atBob.addContact(alice, "alice");
        }
        Launcher parley = profiles.launcher();
        String aliceHome = profiles.home("alice").toString();
        String bobHome = profiles.home("bob").toString();

        // Each change is made with its command; the waits in between ask the daemons directly
        // (a launcher start per poll would cost more than the rest of the test).
        String question = ok(parley.run("send", "--home", aliceHome, bob, "dinner at eight?"));
        awaitAt("bob", alice, question, message -> true);
        String answer = ok(parley.run("send", "--home", bobHome, alice, "yes!", "--reply-to", question));
        awaitAt("alice", bob, answer, message -> true);
        ok(parley.run("react", "--home", aliceHome, bob, answer, "🎉"));
        ok(parley.run("edit", "--home", bobHome, alice, answer, "yes, at eight!"));
        Launcher.Result notHers = parley.run("edit", "--home", aliceHome, bob, answer, "no!");
        assertEquals(1, notHers.exitCode(), notHers.toString());
        assertTrue(notHers.stderr().startsWith("parley: error: only its author can edit a message"), notHers.stderr());
        ok(parley.run("delete", "--home", aliceHome, bob, question));
        awaitAt("bob", alice, question, MessageView::deleted);
        awaitAt("bob", alice, answer, message -> !message.reactions().isEmpty());
        awaitAt("alice", bob, answer, MessageView::edited);

        // Read receipts, turned on by both with their command: Bob's reading shows at Alice.
        ok(parley.run("contact", "set", "--home", aliceHome, bob, "--read-receipts", "on"));
        ok(parley.run("contact", "set", "--home", bobHome, alice, "--read-receipts", "on", "--typing", "on"));
        assertTrue(ok(parley.run("read", "--home", bobHome, alice)).endsWith("(receipt sent)"));
        awaitAt("alice", bob, question, message -> message.state().equals("read"));

        // What each side did, in the other side's history --json.
        JsonArray atBob = history(parley, bobHome, alice);
        JsonObject deleted = find(atBob, question).orElseThrow();
        assertTrue(deleted.get("deleted").getAsBoolean(), deleted.toString());
        assertEquals("", deleted.get("text").getAsString());
        JsonObject reaction = find(atBob, answer).orElseThrow().getAsJsonArray("reactions").get(0).getAsJsonObject();
        assertEquals(alice, reaction.get("peerId").getAsString());
        assertEquals("🎉", reaction.get("emoji").getAsString());

        JsonObject reply = find(history(parley, aliceHome, bob), answer).orElseThrow();
        assertEquals(question, reply.get("replyTo").getAsString(), "the reply names what it quotes");
        assertTrue(reply.get("edited").getAsBoolean(), reply.toString());
        assertEquals("yes, at eight!", reply.get("text").getAsString());
        assertEquals("read", find(history(parley, aliceHome, bob), question).orElseThrow().get("state").getAsString());
    }

    private void awaitAt(String who, String peer, String id, Predicate<MessageView> wanted) throws Exception {
        try (ControlClient client = profiles.client(who)) {
            Profiles.await(() -> client.history(peer, 100, Optional.empty()).stream()
                    .anyMatch(message -> message.id().equals(id) && wanted.test(message)), who + " sees " + id);
        }
    }

    private static String ok(Launcher.Result result) {
        assertEquals(0, result.exitCode(), result.toString());
        return result.stdout().strip();
    }

    private static Optional<JsonObject> find(JsonArray history, String id) {
        for (JsonElement element : history) {
            if (element.getAsJsonObject().get("id").getAsString().equals(id)) {
                return Optional.of(element.getAsJsonObject());
            }
        }
        return Optional.empty();
    }

    private static JsonArray history(Launcher parley, String home, String peer) throws Exception {
        Launcher.Result history = parley.run("history", "--home", home, peer, "--json");
        if (history.exitCode() != 0) {
            throw new AssertionError(history.toString());
        }
        return JsonParser.parseString(history.stdout()).getAsJsonArray();
    }
}
