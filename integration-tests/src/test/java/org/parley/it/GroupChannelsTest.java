package org.parley.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.parley.api.GroupMessageView;
import org.parley.api.GroupView;

/**
 * Group channels between five daemons running as separate processes over TLS on loopback,
 * driven by the commands of the README. Dave and erin bootstrap from one peer each, so their
 * links to the others are the overlay's doing.
 */
class GroupChannelsTest {
    @TempDir
    Path work;

    private Profiles profiles;
    private Launcher parley;

    @AfterEach
    void stopDaemons() throws InterruptedException {
        profiles.close();
    }

    @Test
    void createInviteJoinSendRemoveAndLeaveThroughTheCli() throws Exception {
        profiles = new Profiles(work);
        parley = profiles.launcher();
        String alice = profiles.init("alice");
        String bob = profiles.init("bob");
        String carol = profiles.init("carol");
        String dave = profiles.init("dave");
        String erin = profiles.init("erin");
        int alicePort = Launcher.freePort();
        int bobPort = Launcher.freePort();
        int carolPort = Launcher.freePort();
        profiles.startDaemon("alice", alicePort);
        profiles.startDaemon("bob", bobPort, "127.0.0.1:" + alicePort);
        profiles.startDaemon("carol", carolPort, "127.0.0.1:" + alicePort, "127.0.0.1:" + bobPort);
        profiles.startDaemon("dave", Launcher.freePort(), "127.0.0.1:" + bobPort);
        profiles.startDaemon("erin", Launcher.freePort(), "127.0.0.1:" + carolPort);
        profiles.awaitLinked("alice", bob);
        profiles.awaitLinked("alice", carol);
        profiles.awaitLinked("bob", carol);
        profiles.awaitLinked("bob", dave);
        profiles.awaitLinked("carol", erin);

        JsonObject created = object(ok("group", "create", "--home", home("alice"), "book club", "--json"));
        String group = created.get("groupId").getAsString();
        assertTrue(group.matches("[0-9a-f]{32}"), group);
        for (String invited : List.of(bob, carol, dave, erin)) {
            ok("group", "invite", "--home", home("alice"), group, invited);
        }
        for (String name : List.of("bob", "carol", "dave", "erin")) {
            Profiles.await(() -> statusOf(name, group).equals("invited"), name + " sees the invitation");
            JsonObject invitation = null;
            for (JsonElement listed : array(ok("group", "list", "--home", home(name), "--json"))) {
                if (listed.getAsJsonObject().get("groupId").getAsString().equals(group)) {
                    invitation = listed.getAsJsonObject();
                }
            }
            assertEquals("book club", invitation.get("name").getAsString());
            assertEquals(alice, invitation.get("invitedBy").getAsString());
            assertEquals("invited", invitation.get("status").getAsString());
            ok("group", "join", "--home", home(name), group);
        }
        JsonArray members = array(ok("group", "members", "--home", home("alice"), group, "--json"));
        assertEquals(5, members.size());
        assertEquals(List.of(alice, bob, carol, dave, erin).stream().sorted().toList(), peerIds(members));

        List<String> everyone = List.of("alice", "bob", "carol", "dave", "erin");
        ok("group", "send", "--home", home("bob"), group, "hi all");
        awaitTexts(group, List.of("alice", "carol", "dave", "erin"), "hi all");
        ok("group", "send", "--home", home("carol"), group, "hello from carol");
        ok("group", "send", "--home", home("dave"), group, "dave here");
        ok("group", "send", "--home", home("erin"), group, "erin too");
        ok("group", "send", "--home", home("alice"), group, "welcome all");
        awaitTexts(group, everyone, "hello from carol", "dave here", "erin too", "welcome all");
        JsonArray printed = array(ok("group", "history", "--home", home("alice"), group, "--json"));
        List<String> reference = new ArrayList<>();
        printed.forEach(message -> reference.add(message.getAsJsonObject().get("entryId").getAsString()));
        assertEquals(5, reference.size());
        for (String name : everyone.subList(1, everyone.size())) {
            Profiles.await(() -> entryIds(name, group).equals(reference), name + " holds alice's history, in order");
        }
        for (String name : everyone) {
            for (Path file : profiles.databaseFiles(name)) {
                assertFalse(new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1).contains("hello from carol"),
                        file + " holds no message text");
            }
        }

        ok("group", "remove", "--home", home("alice"), group, carol);
        Profiles.await(() -> statusOf("carol", group).equals("removed"), "carol learns she was removed");
        Profiles.await(() -> groupIn("bob", group).members() == 4, "bob sees four members");
        ok("group", "send", "--home", home("bob"), group, "carol cannot read this");
        awaitTexts(group, List.of("alice", "dave", "erin"), "carol cannot read this");
        Thread.sleep(3000); // what could reach carol has had time to
        assertFalse(textsOf("carol", group).contains("carol cannot read this"));
        assertEquals(5, textsOf("carol", group).size());

        ok("group", "leave", "--home", home("bob"), group);
        Profiles.await(() -> statusOf("bob", group).equals("left"), "bob has left");
        Profiles.await(() -> groupIn("alice", group).members() == 3, "alice, dave and erin remain");
        assertEquals(List.of(alice, dave, erin).stream().sorted().toList(),
                peerIds(array(ok("group", "members", "--home", home("alice"), group, "--json"))));

        String unknown = "00".repeat(16);
        CliErrorsTest.assertOneLineError(parley.run("group", "send", "--home", home("alice"), "not-a-group", "x"),
                "hex digits");
        CliErrorsTest.assertOneLineError(parley.run("group", "invite", "--home", home("alice"), group, "p1nobody"),
                "PEER_ID");
        CliErrorsTest.assertOneLineError(parley.run("group", "join", "--home", home("alice"), unknown),
                "no invitation");
        CliErrorsTest.assertOneLineError(parley.run("group", "history", "--home", home("alice"), group,
                "--limit", "0"), "limit");
        CliErrorsTest.assertOneLineError(parley.run("group", "create", "--home", home("alice"), "x".repeat(65)),
                "name");
        CliErrorsTest.assertOneLineError(parley.run("group", "remove", "--home", home("carol"), group, alice),
                "not a member");
        CliErrorsTest.assertOneLineError(parley.run("group", "send", "--home", home("carol"), group, "let me in"),
                "not joined");
        assertEquals(6, textsOf("alice", group).size(), "nothing changed");
    }

    private String home(String name) {
        return profiles.home(name).toString();
    }

    private String ok(String... args) throws Exception {
        Launcher.Result result = parley.run(args);
        assertEquals(0, result.exitCode(), result.toString());
        return result.stdout();
    }

    private static JsonObject object(String json) {
        return JsonParser.parseString(json).getAsJsonObject();
    }

    private static JsonArray array(String json) {
        return JsonParser.parseString(json).getAsJsonArray();
    }

    private static List<String> peerIds(JsonArray members) {
        List<String> ids = new ArrayList<>();
        members.forEach(member -> ids.add(member.getAsJsonObject().get("peerId").getAsString()));
        return ids;
    }

    /** The group as a member's daemon reports it (polled through the control API, not a new process each time). */
    private GroupView groupIn(String name, String group) throws Exception {
        return profiles.ask(name, client -> client.groups().stream().filter(view -> view.groupId().equals(group))
                .findFirst().orElse(null));
    }

    private String statusOf(String name, String group) throws Exception {
        GroupView found = groupIn(name, group);
        return found == null ? "" : found.status();
    }

    private List<GroupMessageView> history(String name, String group) throws Exception {
        return profiles.ask(name, client -> client.groupHistory(group, 1000));
    }

    private List<String> textsOf(String name, String group) throws Exception {
        return history(name, group).stream().map(GroupMessageView::text).toList();
    }

    private List<String> entryIds(String name, String group) throws Exception {
        return history(name, group).stream().map(GroupMessageView::entryId).toList();
    }

    private void awaitTexts(String group, List<String> names, String... texts) throws Exception {
        for (String name : names) {
            Profiles.await(() -> textsOf(name, group).containsAll(List.of(texts)), name + " has " + List.of(texts));
        }
    }
}
