package org.parley.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.parley.api.GroupMessageView;
import org.parley.control.ControlClient;

/**
 * Group posts through the mailboxes, between daemons started by the launcher: carol is away
 * while alice and bob post, then they go away too, and carol, back with nobody of the group
 * online, reads every post from the peers holding the group topic's posts (with one peer besides
 * the members, that is the hub: it holds every post, whichever peers are closest to the topic).
 */
class GroupMailboxTest {
    @TempDir
    Path work;

    private Profiles profiles;
    private final Map<String, Integer> ports = new HashMap<>();
    private final Map<String, String> hosts = new HashMap<>();
    private final Map<String, String> ids = new HashMap<>();
    private final Map<String, Process> daemons = new HashMap<>();

    @AfterEach
    void stopDaemons() throws InterruptedException {
        profiles.close();
    }

    @Test
    void aMemberBackWhileEveryOtherMemberIsAwayReadsEveryPostFromTheMailboxes() throws Exception {
        profiles = new Profiles(work);
        List<String> names = List.of("hub", "alice", "bob", "carol");
        for (int i = 0; i < names.size(); i++) {
            String name = names.get(i);
            ids.put(name, profiles.init(name));
            ports.put(name, Launcher.freePort());
            hosts.put(name, "127.0." + (i + 1) + ".1");
        }
        for (String name : names) {
            start(name);
        }
        profiles.awaitLinked("alice", ids.get("bob"));
        profiles.awaitLinked("alice", ids.get("carol"));
        Launcher parley = profiles.launcher();
        String group;
        try (ControlClient alice = profiles.client("alice")) {
            group = alice.createGroup("night shift").groupId();
            alice.inviteToGroup(group, ids.get("bob"), false);
            alice.inviteToGroup(group, ids.get("carol"), false);
        }
        for (String member : List.of("bob", "carol")) {
            Profiles.await(() -> status(member, group).equals("invited"), member + " sees the invitation");
            ok(parley, "group", "join", "--home", home(member), group);
        }
        Profiles.await(() -> members("alice", group) == 3 && members("carol", group) == 3, "all three joined");

        stop("carol");
        Profiles.await(() -> !linked("alice", ids.get("carol")), "alice sees carol gone");
        ok(parley, "group", "send", "--home", home("alice"), group, "first from alice");
        ok(parley, "group", "send", "--home", home("bob"), group, "then bob");
        ok(parley, "group", "send", "--home", home("alice"), group, "and alice again");
        Profiles.await(() -> history("bob", group).size() == 3, "bob has the three posts");
        List<String> reference = entryIds("alice", group);
        assertEquals(reference, entryIds("bob", group));

        stop("alice");
        stop("bob");
        start("carol");
        try {
            Profiles.await(() -> entryIds("carol", group).equals(reference),
                    "carol holds alice's history, in order, from the mailboxes");
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + ", but she holds " + history("carol", group)
                    + "\ncarol's log ends:\n" + profiles.logTail("carol", 60)
                    + "\nthe hub's log ends:\n" + profiles.logTail("hub", 30), e);
        }
        assertEquals(List.of("first from alice", "then bob", "and alice again"),
                history("carol", group).stream().map(GroupMessageView::text).toList());
    }

    private void start(String name) throws Exception {
        String[] bootstrap = name.equals("hub") ? new String[0]
                : new String[] {hosts.get("hub") + ":" + ports.get("hub")};
        daemons.put(name, profiles.startDaemonAt(name, hosts.get(name), ports.get(name), bootstrap));
    }

    private void stop(String name) throws InterruptedException {
        Process daemon = daemons.remove(name);
        daemon.destroy();
        daemon.waitFor();
    }

    private String home(String name) {
        return profiles.home(name).toString();
    }

    private static void ok(Launcher parley, String... args) throws Exception {
        Launcher.Result result = parley.run(args);
        assertEquals(0, result.exitCode(), result.toString());
    }

    private boolean linked(String name, String peer) throws Exception {
        return profiles.ask(name, client -> client.peers().stream().anyMatch(view -> view.peerId().equals(peer)));
    }

    private String status(String name, String group) throws Exception {
        return profiles.ask(name, client -> client.groups().stream().filter(view -> view.groupId().equals(group))
                .findFirst().map(view -> view.status()).orElse(""));
    }

    private int members(String name, String group) throws Exception {
        return profiles.ask(name, client -> client.groups().stream().filter(view -> view.groupId().equals(group))
                .findFirst().map(view -> view.members()).orElse(0));
    }

    private List<GroupMessageView> history(String name, String group) throws Exception {
        return profiles.ask(name, client -> client.groupHistory(group, 1000, java.util.Optional.empty()));
    }

    private List<String> entryIds(String name, String group) throws Exception {
        return history(name, group).stream().map(GroupMessageView::entryId).toList();
    }
}
