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

        String question = ok(parley.run("send", "--home", aliceHome, bob, "dinner at eight?"));
        await(parley, bobHome, alice, question, message -> true);
        String answer = ok(parley.run("send", "--home", bobHome, alice, "yes!", "--reply-to", question));
        ok(parley.run("react", "--home", aliceHome, bob, answer, "🎉"));
        ok(parley.run("edit", "--home", aliceHome, bob, question, "dinner at nine?"));

        JsonObject reply = await(parley, aliceHome, bob, answer, message -> true);
        assertEquals(question, reply.get("replyTo").getAsString(), "the reply names what it quotes");
        JsonObject reacted = await(parley, bobHome, alice, answer, message -> message.getAsJsonArray("reactions").size() == 1);
        JsonObject reaction = reacted.getAsJsonArray("reactions").get(0).getAsJsonObject();
        assertEquals(alice, reaction.get("peerId").getAsString());
        assertEquals("🎉", reaction.get("emoji").getAsString());
        JsonObject edited = await(parley, bobHome, alice, question, message -> message.get("edited").getAsBoolean());
        assertEquals("dinner at nine?", edited.get("text").getAsString());

        Launcher.Result notHers = parley.run("edit", "--home", aliceHome, bob, answer, "no!");
        assertEquals(1, notHers.exitCode(), notHers.toString());
        assertTrue(notHers.stderr().startsWith("parley: error: only its author can edit a message"), notHers.stderr());

        ok(parley.run("delete", "--home", aliceHome, bob, question));
        JsonObject deleted = await(parley, bobHome, alice, question, message -> message.get("deleted").getAsBoolean());
        assertEquals("", deleted.get("text").getAsString());
        assertTrue(find(history(parley, aliceHome, bob), question).orElseThrow().get("deleted").getAsBoolean());
    }

    private static String ok(Launcher.Result result) {
        assertEquals(0, result.exitCode(), result.toString());
        return result.stdout().strip();
    }

    private static JsonObject await(Launcher parley, String home, String peer, String id, Predicate<JsonObject> wanted)
            throws Exception {
        JsonObject[] found = new JsonObject[1];
        Profiles.await(() -> {
            Optional<JsonObject> message = find(history(parley, home, peer), id).filter(wanted);
            message.ifPresent(value -> found[0] = value);
            return message.isPresent();
        }, "message " + id + " as expected");
        return found[0];
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
