package org.parley.tui.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.googlecode.lanterna.TerminalSize;
import com.googlecode.lanterna.input.KeyStroke;
import com.googlecode.lanterna.input.KeyType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneId;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.parley.api.GroupView;
import org.parley.api.ParleyApi;
import org.parley.tui.text.DrawnQr;
import org.parley.tui.text.QrText;
import org.parley.tui.demo.DemoNetwork;
import org.parley.tui.text.TextWidth;

/**
 * The terminal client on Lanterna's virtual terminal, against real nodes linked over TLS on
 * loopback (the demo network: the user's node and its bots). Every assertion is on the text the
 * screen shows. One network serves every test; each test opens its own client on it.
 */
class ChatClientTest {
    @TempDir
    static Path directory;

    private static DemoNetwork network;

    @BeforeAll
    static void startNetwork() throws Exception {
        network = DemoNetwork.start(directory.resolve("demo"), "you");
    }

    @AfterAll
    static void stopNetwork() throws Exception {
        network.close();
        assertFalse(Files.exists(directory.resolve("demo")), "the demo deletes what it made");
    }

    /** A client running on its own thread, as the UI thread; stopped with Ctrl-Q. */
    private static final class Running implements AutoCloseable {
        final VirtualScreen screen;
        final List<Integer> unreadTotals = new CopyOnWriteArrayList<>();
        final List<String> bells = new CopyOnWriteArrayList<>();
        private final ExecutorService thread = Executors.newSingleThreadExecutor();
        private final Future<?> running;

        Running(int columns, int rows) throws Exception {
            this(columns, rows, () -> { });
        }

        Running(int columns, int rows, Runnable onWatching) throws Exception {
            this(network, columns, rows, onWatching);
        }

        Running(DemoNetwork network, int columns, int rows, Runnable onWatching) throws Exception {
            screen = new VirtualScreen(columns, rows);
            ChatClient client = new ChatClient(network.user().api(), screen.screen, new Notifier() {
                @Override
                public void bell() {
                    bells.add("bell");
                }

                @Override
                public void unread(int total) {
                    unreadTotals.add(total);
                }
            }, ZoneId.of("UTC"));
            running = thread.submit(() -> {
                client.run(onWatching);
                return null;
            });
        }

        @Override
        public void close() throws Exception {
            screen.ctrl('q');
            running.get(30, TimeUnit.SECONDS);
            thread.shutdown();
            screen.screen.stopScreen();
        }
    }

    @Test
    void opensWithContactsAndARequestThenSendsAndSeesDeliveryAndTheReply() throws Exception {
        try (Running client = new Running(110, 30, network::greet)) {
            VirtualScreen screen = client.screen;
            screen.awaitText("Contacts");
            screen.awaitText("Requests");
            screen.awaitRow("○ parley demo +│.*");
            screen.awaitRow("● ada +│.*");
            screen.awaitRow("● p1\\w+… +1 │.*");
            screen.awaitText("Hi! I'm ada");
            screen.await("status bar", text -> text.contains(" you (p1") && text.contains("│ links 3"));

            screen.ctrl(KeyType.ArrowDown);
            screen.awaitText("grace  p1");
            screen.enter("hello grace");
            screen.await("the delivered mark", text -> text.contains("✓ you: hello grace"));
            screen.awaitText("grace: grace here, got it: \"hello grace\"");

            screen.alt('a');
            screen.awaitText("· message request: /accept or /block");
            screen.awaitText(": Hello, we have not met");
            screen.enter("/accept Linus T");
            screen.awaitText("accepted Linus T as a contact");
            screen.await("linus among the contacts", text -> !text.contains("Requests") && text.contains("Linus T"));
            assertTrue(client.bells.size() >= 1, "the request rang the bell");
            assertEquals(0, client.unreadTotals.get(client.unreadTotals.size() - 1));
        }
    }

    @Test
    void aMessageRequestThatCameWhileNoClientWasOpenIsListedUnread() throws Exception {
        try (DemoNetwork earlier = DemoNetwork.start(directory.resolve("earlier"), "you")) {
            earlier.greet();
            await(() -> !earlier.user().api().messageRequests(10).isEmpty(), "the stranger's request stored");
            try (Running client = new Running(earlier, 110, 30, () -> { })) {
                client.screen.awaitText("Requests");
                client.screen.awaitRow("● p1\\w+… +1 │.*");
                client.screen.alt('a');
                client.screen.awaitText(": Hello, we have not met");
            }
        }
    }

    @Test
    void theStatusBarCountsWhatTheNodeHoldsInItsOutbox() throws Exception {
        // A peer that never comes online: the message waits in the outbox (not a contact, so later
        // tests' conversation lists are unchanged).
        String ghost = org.parley.identity.Identity.generate("ghost", new java.security.SecureRandom()).peerId()
                .toString();
        try (Running client = new Running(110, 30)) {
            client.screen.awaitText("Contacts");
            network.user().api().send(ghost, "anyone there?");
            // Earlier tests' messages may still wait for receipts: the bar must show what the node
            // holds, which now includes the ghost's message for good.
            client.screen.await("the node's outbox count", text -> {
                int held = heldInTheNodesOutbox();
                return held >= 1 && text.contains("│ outbox " + held + " │");
            });
        }
    }

    private int heldInTheNodesOutbox() {
        try {
            return network.user().api().status().outbox();
        } catch (org.parley.api.ApiException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void wideCharactersKeepTheirColumnsAndErrorsAndHelpStayOnOneLine() throws Exception {
        try (Running client = new Running(90, 24)) {
            VirtualScreen screen = client.screen;
            screen.awaitText("Contacts");
            screen.ctrl(KeyType.ArrowDown);
            screen.awaitText("grace  p1");
            screen.enter("你好 😀 wide");
            screen.await("the wide message delivered", text -> text.contains("✓ you: 你好 😀 wide"));
            screen.awaitText("grace here, got it: \"你好 😀 wide\"");
            screen.await("every row exactly 90 columns wide", text -> text.lines()
                    .allMatch(row -> TextWidth.columns(row) == 90));

            screen.enter("/frobnicate now");
            screen.awaitRow(".*│unknown command /frobnicate \\(see /help\\) *");
            screen.enter("/group invite grace");
            screen.awaitText("/group invite works in an open group");
            screen.enter("/group join");
            screen.awaitText("/group join takes a group ID here");
            screen.enter("/group join 0123xyz");
            screen.awaitText("a group ID is 32 hex digits");
            screen.enter("/group join " + "0".repeat(32));
            screen.awaitText("no invitation to group 000000");
            screen.enter("/add not-a-peer-id bob");
            screen.awaitText("not a peer ID");

            screen.key(KeyType.F1);
            screen.awaitText("Help  (Esc closes)");
            screen.awaitText("/verify");
            screen.key(KeyType.Escape);
            screen.await("help closed", text -> !text.contains("Help  (Esc closes)"));
            screen.enter("/verify");
            screen.awaitText("Safety number with grace");
            screen.key(KeyType.Escape);

            screen.type("first line");
            screen.terminal.addInput(new KeyStroke(KeyType.Enter, false, true));
            screen.type("second line");
            screen.awaitText("> first line↵second line");
            screen.key(KeyType.Enter);
            screen.awaitRow(".*✓ you: first line *");
            screen.awaitRow(".*│ +second line *");

            screen.enter("/search WIDE");
            screen.awaitText("\"WIDE\" in grace (2)");
            screen.awaitText("grace: grace here, got it: \"你好 😀 wide\"");
        }
    }

    @Test
    void theBotsAnswerInTheDemoGroupAndANewGroupGetsAnInvitedBotsPost() throws Exception {
        ParleyApi grace = network.bot("grace");
        try (Running client = new Running(100, 24)) {
            VirtualScreen screen = client.screen;
            screen.awaitText("ada  p1");
            screen.awaitRow("[●○] parley demo +│.*");
            screen.ctrl(KeyType.ArrowUp);
            screen.awaitRow(".*│parley demo  \\p{XDigit}{32} *");
            screen.enter("hi demo group");
            screen.awaitText("you: hi demo group");
            screen.awaitText("ada: ada here, got it: \"hi demo group\"");
            screen.awaitText("grace: grace here, got it: \"hi demo group\"");
            screen.enter("/group create book club");
            screen.awaitText("created book club");
            screen.awaitText("Groups");
            screen.enter("/group invite nobody");
            screen.awaitText("not a contact's name or a peer ID");
            screen.enter("/group invite grace");
            screen.awaitText("invited grace to book club");
            String groupId = awaitInvitation(grace, "book club");
            grace.joinGroup(groupId);
            screen.enter("/group members");
            screen.await("both members listed", text -> text.contains("Members of book club (2)")
                    && text.contains("grace  p1") && text.contains("you  admin"));
            screen.key(KeyType.Escape);
            screen.awaitRow(".*│book club  " + groupId + " *");

            screen.ctrl(KeyType.ArrowDown);
            screen.awaitRow(".*│parley demo  \\p{XDigit}{32} *");
            grace.sendToGroup(groupId, "grace joined the club");
            screen.awaitRow(".*book club +1 │.*");
            screen.alt('a');
            screen.awaitText("grace: grace joined the club");
            screen.enter("hello club");
            screen.awaitText("you: hello club");
            await(() -> grace.groupHistory(groupId, 10).stream().anyMatch(post -> post.text().equals("hello club")),
                    "the post reached grace");
        }
    }

    private static String awaitInvitation(ParleyApi api, String name) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            for (GroupView group : api.groups()) {
                if (group.name().equals(name) && "invited".equals(group.status())) {
                    return group.groupId();
                }
            }
            Thread.sleep(100);
        }
        throw new AssertionError("no invitation to " + name + " arrived");
    }

    private interface Check {
        boolean holds() throws Exception;
    }

    private static void await(Check check, String what) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!check.holds()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not seen in time: " + what);
            }
            Thread.sleep(100);
        }
    }

    @Test
    void idSaysWhenTheTerminalIsTooSmallForTheQrCodeAndDrawsOneThatDecodesOnceItFits() throws Exception {
        String peerId = network.user().identity().peerId().toString();
        try (Running client = new Running(80, 24)) {
            VirtualScreen screen = client.screen;
            screen.awaitText("ada  p1");
            screen.enter("/id");
            screen.awaitRow(".*│the QR code needs 37x19 cells here: enlarge the terminal *");
            screen.terminal.setTerminalSize(new TerminalSize(110, 30));
            // Read until the whole code is on screen: a look mid-redraw sees only part of it.
            String drawn = screen.await("a QR code that decodes to the peer ID", text -> peerId.equals(decoded(text)));
            assertTrue(drawn.lines().noneMatch(row -> row.contains("enlarge the terminal")));
        }
    }

    /** The QR code's cells on screen: from the blocks' bounds out by the quiet zone, two modules a row. */
    /** What the QR code on the screen decodes to; null while none is fully drawn. */
    private static String decoded(String screenText) {
        try {
            return DrawnQr.decode(drawnCode(screenText.lines().toList()));
        } catch (Exception | AssertionError partial) {
            return null;
        }
    }

    private static List<String> drawnCode(List<String> screenRows) {
        String blocks = "" + QrText.FULL + QrText.UPPER + QrText.LOWER;
        List<Integer> withBlocks = java.util.stream.IntStream.range(0, screenRows.size())
                .filter(row -> screenRows.get(row).chars().anyMatch(c -> blocks.indexOf(c) >= 0)).boxed().toList();
        int first = withBlocks.get(0);
        int left = Integer.MAX_VALUE;
        int right = 0;
        for (int row : withBlocks) {
            String text = screenRows.get(row);
            for (int i = 0; i < text.length(); i++) {
                if (blocks.indexOf(text.charAt(i)) >= 0) {
                    left = Math.min(left, i);
                    right = Math.max(right, i);
                }
            }
        }
        int columns = right + 1 - left + 2 * QrText.QUIET_ZONE;
        List<String> code = new java.util.ArrayList<>();
        for (int row = first - 1; row < first - 1 + (columns + 1) / 2; row++) {
            code.add(screenRows.get(row).substring(left - QrText.QUIET_ZONE, right + 1 + QrText.QUIET_ZONE));
        }
        return code;
    }

    @Test
    void scrollingToTheTopLoadsOlderHistoryAPageAtATime() throws Exception {
        String grace = network.user().api().contacts().stream().filter(contact -> contact.name().equals("grace"))
                .findFirst().orElseThrow().peerId();
        for (int i = 1; i <= HistoryPager.PAGE + 10; i++) {
            network.user().api().send(grace, "old " + i);
        }
        try (Running client = new Running(80, 14)) {
            VirtualScreen screen = client.screen;
            screen.awaitText("ada  p1");
            screen.ctrl(KeyType.ArrowDown);
            screen.awaitText("grace  p1");
            screen.await("the newest page", text -> text.contains("old 60") || text.contains("got it: \"old 60\""));
            for (int press = 0; press < 80 && !screen.text().contains("you: old 1\n"); press++) {
                screen.key(KeyType.PageUp);
                Thread.sleep(50);
            }
            screen.awaitRow(".*✓ you: old 1 *");
        }
    }

    @Test
    void typingStaysResponsiveWhileAFloodOfMessagesArrives() throws Exception {
        String ada = network.user().api().contacts().stream().filter(contact -> contact.name().equals("ada"))
                .findFirst().orElseThrow().peerId();
        try (Running client = new Running(100, 20)) {
            VirtualScreen screen = client.screen;
            screen.awaitText("ada  p1");
            ExecutorService flood = Executors.newSingleThreadExecutor();
            Future<?> sent = flood.submit(() -> {
                for (int i = 0; i < 400; i++) {
                    network.user().api().send(ada, "flood " + i);
                }
                return null;
            });
            screen.await("the flood under way", text -> text.contains("flood 2"));
            screen.type("typed during the flood");
            screen.awaitText("> typed during the flood");
            // Responsive means the typed line shows while the flood is still being sent, whatever the machine's speed.
            boolean floodStillRunning = !sent.isDone();
            sent.get(120, TimeUnit.SECONDS);
            flood.shutdown();
            assertTrue(floodStillRunning, "the flood lasted while typing");
            screen.awaitText("got it: \"flood 399\"");
        }
    }

    @Test
    void scrolledUpANewReplyShowsTheMarkerAndAResizeRedraws() throws Exception {
        try (Running client = new Running(80, 12)) {
            VirtualScreen screen = client.screen;
            screen.awaitText("ada  p1");
            for (int i = 1; i <= 5; i++) {
                screen.enter("scroll " + i);
                screen.awaitText("got it: \"scroll " + i + "\"");
            }
            screen.key(KeyType.PageUp);
            screen.await("scrolled up", text -> !text.contains("got it: \"scroll 5\""));
            screen.enter("below");
            screen.awaitText("new messages below (PgDn)");
            screen.key(KeyType.PageDown);
            screen.key(KeyType.PageDown);
            screen.key(KeyType.PageDown);
            screen.await("back at the bottom", text -> text.contains("got it: \"below\"")
                    && !text.contains("new messages below"));

            screen.terminal.setTerminalSize(new TerminalSize(60, 16));
            screen.await("redrawn at 60x16", text -> {
                List<String> rows = text.lines().toList();
                return rows.size() == 16 && rows.get(14).startsWith(" you (p1") && rows.get(15).startsWith("> ")
                        && rows.stream().allMatch(row -> TextWidth.columns(row) == 60);
            });
        }
    }
}
