package org.parley.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.parley.api.GroupMessageView;
import org.parley.api.GroupView;

/**
 * A group of three, each member behind a NAT of their own (see {@link NatTestBed}), knowing only
 * the others' peer IDs and the public seed: no member can dial another, and the NATs map each
 * connection to a random port, so no hole can be punched either. The invitations and the sender
 * keys go out over relayed links or through mailboxes, and every post still reaches everyone.
 */
class NatGroupTest {
    private static final Duration WAIT = Duration.ofSeconds(180);

    @TempDir
    Path work;

    @Test
    void threeMembersEachBehindTheirOwnNatHoldEveryPost() throws Exception {
        NatTestBed.requireTools();
        try (NatTestBed bed = NatTestBed.create(3, NatTestBed.Nat.SYMMETRIC);
             NatDaemons nodes = new NatDaemons(work)) {
            nodes.init("seed");
            List<String> names = List.of("alice", "bob", "carol");
            List<String> ids = new ArrayList<>();
            for (String name : names) {
                ids.add(nodes.init(name));
            }
            nodes.daemon(bed.publicNamespace(), "seed", NatDaemons.PORT);
            for (int i = 0; i < names.size(); i++) {
                nodes.daemon(bed.home(i + 1), names.get(i), NatDaemons.PORT, "--bootstrap", NatDaemons.SEED);
            }
            Instant started = Instant.now();

            String group = JsonParser.parseString(nodes.ok(bed.home(1), "group", "create", "--home",
                    nodes.home("alice"), "across three NATs", "--json")).getAsJsonObject().get("groupId").getAsString();
            nodes.ok(bed.home(1), "group", "invite", "--home", nodes.home("alice"), group, ids.get(1));
            nodes.ok(bed.home(1), "group", "invite", "--home", nodes.home("alice"), group, ids.get(2));
            for (int i = 1; i < names.size(); i++) {
                String name = names.get(i);
                String namespace = bed.home(i + 1);
                await(nodes, name, () -> "invited".equals(polledStatusOf(nodes, name, group)),
                        name + " sees alice's invitation");
                assertEquals("invited", statusOf(nodes, namespace, name, group));
                nodes.ok(namespace, "group", "join", "--home", nodes.home(name), group);
            }
            Duration joined = Duration.between(started, Instant.now());
            for (int i = 0; i < names.size(); i++) {
                String name = names.get(i);
                String namespace = bed.home(i + 1);
                await(nodes, name, () -> polledMembers(nodes, name, group) == 3, name + " sees three members");
                assertEquals(3, members(nodes, namespace, name, group));
            }
            for (int i = 0; i < names.size(); i++) {
                nodes.ok(bed.home(i + 1), "group", "send", "--home", nodes.home(names.get(i)), group,
                        "from " + names.get(i));
            }
            List<String> posts = names.stream().map(name -> "from " + name).toList();
            for (int i = 0; i < names.size(); i++) {
                String name = names.get(i);
                String namespace = bed.home(i + 1);
                await(nodes, name, () -> polledTexts(nodes, name, group).containsAll(posts),
                        name + " holds every post");
                assertEquals(posts.size(), texts(nodes, namespace, name, group).size(),
                        name + " holds each post once");
            }
            Duration everyPost = Duration.between(started, Instant.now());
            List<String> paths = new ArrayList<>();
            for (int i = 0; i < names.size(); i++) {
                Map<String, JsonObject> links = nodes.peerEntries(bed.home(i + 1), names.get(i));
                for (int j = 0; j < names.size(); j++) {
                    JsonObject link = i == j ? null : links.get(ids.get(j));
                    if (link != null) {
                        paths.add(names.get(i) + "-" + names.get(j) + " " + link.get("path").getAsString());
                        assertNotEquals("direct", link.get("path").getAsString(), "no member dials another: " + link);
                    }
                }
            }
            System.out.printf("NAT group of three (symmetric NATs): everyone joined after %.1f s and held every post "
                    + "after %.1f s; links between members at the end: %s%n", joined.toMillis() / 1000.0,
                    everyPost.toMillis() / 1000.0, paths.isEmpty() ? "none" : String.join(", ", paths));
        }
    }

    private static void await(NatDaemons nodes, String name, Profiles.Condition condition, String what)
            throws Exception {
        try {
            Profiles.await(condition, what, WAIT);
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "\n" + nodes.logTail(name), e);
        }
    }

    // Waits poll the control API (see NatDaemons.client); what they waited for is then read once with
    // the command, inside the member's namespace.

    private static String polledStatusOf(NatDaemons nodes, String name, String group) throws Exception {
        return nodes.ask(name, client -> client.groups().stream().filter(view -> view.groupId().equals(group))
                .map(GroupView::status).findFirst().orElse("(no such group)"));
    }

    private static int polledMembers(NatDaemons nodes, String name, String group) throws Exception {
        return nodes.ask(name, client -> client.groupMembers(group).size());
    }

    private static List<String> polledTexts(NatDaemons nodes, String name, String group) throws Exception {
        return nodes.ask(name, client -> client.groupHistory(group, 1000).stream().map(GroupMessageView::text)
                .toList());
    }

    private static String statusOf(NatDaemons nodes, String namespace, String name, String group) throws Exception {
        for (JsonElement listed : groups(nodes, namespace, name)) {
            if (listed.getAsJsonObject().get("groupId").getAsString().equals(group)) {
                return listed.getAsJsonObject().get("status").getAsString();
            }
        }
        return "(no such group)";
    }

    private static int members(NatDaemons nodes, String namespace, String name, String group) throws Exception {
        return JsonParser.parseString(nodes.ok(namespace, "group", "members", "--home", nodes.home(name), group,
                "--json")).getAsJsonArray().size();
    }

    private static JsonArray groups(NatDaemons nodes, String namespace, String name) throws Exception {
        return JsonParser.parseString(nodes.ok(namespace, "group", "list", "--home", nodes.home(name), "--json"))
                .getAsJsonArray();
    }

    private static List<String> texts(NatDaemons nodes, String namespace, String name, String group)
            throws Exception {
        List<String> texts = new ArrayList<>();
        JsonParser.parseString(nodes.ok(namespace, "group", "history", "--home", nodes.home(name), group, "--json"))
                .getAsJsonArray().forEach(message -> texts.add(message.getAsJsonObject().get("text").getAsString()));
        return texts;
    }
}
