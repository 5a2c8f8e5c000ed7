package org.parley.tui.demo;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.parley.api.ApiException;
import org.parley.api.ParleyApi;
import org.parley.identity.Identity;
import org.parley.link.DialTarget;
import org.parley.link.HostPort;
import org.parley.node.NodeOptions;
import org.parley.node.ParleyNode;
import org.parley.store.ProfileHome;

/**
 * A small local network for trying Parley: the user's node and a few bot peers, each with a
 * throwaway profile under one directory, all on loopback. Two bots are the user's contacts (one
 * says hello first), a third writes as a stranger, so the user finds a message request. The user
 * and the two contact bots sit in a demo group, founded by the user and joined by the bots before
 * {@link #start} returns, so the client opens with it listed; the bots answer there too. Closing
 * stops every node and deletes the directory.
 */
public final class DemoNetwork implements AutoCloseable {
    static final List<String> CONTACT_BOTS = List.of("ada", "grace");
    static final String STRANGER_BOT = "linus";
    static final String GREETING = "Hi! I'm ada, a demo peer on your machine. Write me anything and I'll answer.";
    static final String DEMO_GROUP = "parley demo";
    private static final Duration INVITATION_WAIT = Duration.ofSeconds(30);
    static final String REQUEST = "Hello, we have not met. /accept makes me a contact, /block silences me.";

    private final Path directory;
    private final List<ParleyNode> nodes = new ArrayList<>();
    private final List<ReplyBot> bots = new ArrayList<>();
    private final Map<String, ParleyNode> botNodes = new LinkedHashMap<>();
    private final AtomicBoolean closed = new AtomicBoolean();
    private ParleyNode user;

    private DemoNetwork(Path directory) {
        this.directory = directory;
    }

    /** Creates the profiles under {@code directory} (made if missing) and starts the network. */
    public static DemoNetwork start(Path directory, String userName) throws ApiException, IOException {
        DemoNetwork network = new DemoNetwork(directory);
        try {
            network.startNodes(userName);
            return network;
        } catch (ApiException | IOException | RuntimeException e) {
            network.close();
            throw e;
        }
    }

    private void startNodes(String userName) throws ApiException, IOException {
        SecureRandom random = new SecureRandom();
        user = node(userName, random, List.of());
        DialTarget userAddress = DialTarget.anyPeerAt(HostPort.parse(user.listenAddresses().get(0)));
        String userId = user.identity().peerId().toString();
        for (String name : CONTACT_BOTS) {
            ParleyNode bot = node(name, random, List.of(userAddress));
            botNodes.put(name, bot);
            bots.add(new ReplyBot(name, bot.api(), userId));
            bot.api().addContact(userId, userName);
            user.api().addContact(bot.identity().peerId().toString(), name);
        }
        ParleyNode stranger = node(STRANGER_BOT, random, List.of(userAddress));
        botNodes.put(STRANGER_BOT, stranger);
        bots.add(new ReplyBot(STRANGER_BOT, stranger.api(), userId));
        startDemoGroup();
    }

    /** The user founds the demo group and invites the contact bots, who join once the invitation is in. */
    private void startDemoGroup() throws ApiException {
        String groupId = user.api().createGroup(DEMO_GROUP).groupId();
        for (String name : CONTACT_BOTS) {
            user.api().inviteToGroup(groupId, botNodes.get(name).identity().peerId().toString(), false);
        }
        for (String name : CONTACT_BOTS) {
            ParleyApi bot = bot(name);
            awaitInvitation(bot, groupId);
            bot.joinGroup(groupId);
        }
    }

    private static void awaitInvitation(ParleyApi bot, String groupId) throws ApiException {
        long deadline = System.nanoTime() + INVITATION_WAIT.toNanos();
        while (bot.groups().stream().noneMatch(group -> group.groupId().equals(groupId))) {
            if (System.nanoTime() > deadline) {
                throw new ApiException("the demo group's invitation did not reach a bot within "
                        + INVITATION_WAIT.toSeconds() + " s");
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ApiException("interrupted while the demo group started");
            }
        }
    }

    /**
     * The bots' first words: ada says hello, the stranger writes a message request. Called once the
     * user's client watches, so that both arrive live (bell and unread count) rather than from
     * storage.
     */
    public void greet() {
        String userId = user.identity().peerId().toString();
        bots.get(0).say(userId, GREETING);
        bots.get(bots.size() - 1).say(userId, REQUEST);
    }

    private ParleyNode node(String name, SecureRandom random, List<DialTarget> bootstrap)
            throws ApiException, IOException {
        ProfileHome home = new ProfileHome(directory.resolve(name));
        home.create();
        byte[] contentKey = new byte[32];
        random.nextBytes(contentKey);
        ParleyNode node = ParleyNode.startUnlocked(Identity.generate(name, random), contentKey, home,
                NodeOptions.of(new HostPort("127.0.0.1", 0), bootstrap));
        nodes.add(node);
        return node;
    }

    /** The user's node. */
    public ParleyNode user() {
        return user;
    }

    /** A bot's node, by its name, as its owner would use it. */
    public ParleyApi bot(String name) {
        ParleyNode node = botNodes.get(name);
        if (node == null) {
            throw new IllegalArgumentException("no demo bot named " + name);
        }
        return node.api();
    }

    public Path directory() {
        return directory;
    }

    /** Stops the bots and nodes and deletes every file the demo made; safe to call twice. */
    @Override
    public void close() throws IOException {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        bots.forEach(ReplyBot::close);
        nodes.forEach(ParleyNode::close);
        deleteTree(directory);
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }
}
