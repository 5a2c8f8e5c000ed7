package org.parley.tui.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.parley.tui.model.Conversation;

class CommandsTest {
    private static final String ADA = FakeNode.peerId(2);
    private static final String STRANGER = FakeNode.peerId(5);

    @Test
    void addRefusesAMistypedPeerIdAndAddsAndOpensAGoodOne() {
        ControllerHarness chat = new ControllerHarness().start();
        chat.enter("/add p1notanid ada");
        assertTrue(chat.noticeIsError());
        assertTrue(chat.notice().startsWith("not a peer ID"), chat.notice());
        assertTrue(chat.node.calls.stream().noneMatch(call -> call.startsWith("addContact")));

        chat.enter("/add " + ADA + " ada");
        assertTrue(chat.node.calls.contains("addContact " + ADA + " ada"));
        assertEquals(ADA, chat.open());
        assertEquals("added ada", chat.notice());
    }

    @Test
    void acceptTurnsTheOpenRequestIntoAContactAndWorksNowhereElse() {
        ControllerHarness chat = new ControllerHarness();
        chat.node.contact(ADA, "ada");
        chat.node.requests.add(FakeNode.request("r1", STRANGER, "hello", 5));
        chat.start();
        chat.enter("/accept");
        assertEquals("/accept works in a message request", chat.notice());
        chat.ctrl('x');
        assertEquals(STRANGER, chat.open());
        chat.enter("/accept Linus");
        assertEquals(Conversation.Kind.CONTACT, chat.state.conversations().get(STRANGER).orElseThrow().kind());
        assertEquals("Linus", chat.state.conversations().get(STRANGER).orElseThrow().title());
    }

    @Test
    void blockDropsTheConversationAndNickRenamesTheContact() {
        ControllerHarness chat = new ControllerHarness();
        chat.node.contact(ADA, "ada");
        chat.start();
        chat.enter("/nick Ada L");
        assertEquals("Ada L", chat.state.conversations().get(ADA).orElseThrow().title());
        chat.enter("/block");
        assertTrue(chat.node.calls.contains("blockContact " + ADA));
        assertTrue(chat.state.conversations().get(ADA).isEmpty());
        assertEquals("blocked Ada L", chat.notice());
    }

    @Test
    void aFailedRequestShowsTheFirstLineOfItsErrorInRed() {
        ControllerHarness chat = new ControllerHarness();
        chat.node.contact(ADA, "ada");
        chat.start();
        chat.node.failing = "the node is busy\nsecond line";
        chat.enter("hello");
        assertTrue(chat.noticeIsError());
        assertEquals("the node is busy", chat.notice());
    }

    @Test
    void fileOffersTheFileByItsAbsolutePathToTheOpenPeerOrGroupNotToAnInvitation() {
        ControllerHarness chat = new ControllerHarness();
        chat.node.contact(ADA, "ada");
        String invited = FakeNode.groupId(8);
        chat.node.group(invited, "book club", "invited");
        chat.start();
        chat.enter("/file notes.txt");
        String absolute = java.nio.file.Path.of("notes.txt").toAbsolutePath().normalize().toString();
        assertTrue(chat.node.calls.contains("sendFile " + ADA + " " + absolute), chat.node.calls.toString());
        chat.enter("/group create dancers");
        String group = chat.open();
        chat.enter("/file notes.txt");
        assertTrue(chat.node.calls.contains("sendFileToGroup " + group + " " + absolute), chat.node.calls.toString());
        assertEquals(1, chat.state.timeline(group).files().size(), "the offer's file row is shown");

        chat.state.conversations().select(invited);
        chat.enter("/file notes.txt");
        assertTrue(chat.noticeIsError());
        assertEquals("/file works in a conversation with a peer or a group", chat.notice());
    }

    @Test
    void aBadCommandSaysWhatIsWrongAndSendsNothing() {
        ControllerHarness chat = new ControllerHarness();
        chat.node.contact(ADA, "ada");
        chat.start();
        chat.enter("/frobnicate");
        assertTrue(chat.noticeIsError());
        assertTrue(chat.node.calls.stream().noneMatch(call -> call.startsWith("send")));
        chat.enter("//not a command");
        assertTrue(chat.node.calls.contains("send " + ADA + " /not a command"));
    }

    @Test
    void verifyShowsTheSafetyNumberAndSearchFindsLoadedMessages() {
        ControllerHarness chat = new ControllerHarness();
        chat.node.contact(ADA, "ada");
        chat.node.histories.put(ADA, java.util.List.of(
                FakeNode.incoming("m1", ADA, "the blue door", 1), FakeNode.incoming("m2", ADA, "a red one", 2)));
        chat.start();
        chat.enter("/verify");
        assertEquals("Safety number with ada", chat.state.panel().orElseThrow().title());
        chat.enter("/search BLUE");
        ChatState.Panel found = chat.state.panel().orElseThrow();
        assertEquals("\"BLUE\" in ada (1)", found.title());
        assertEquals(java.util.List.of("ada: the blue door"), found.lines());
    }

    @Test
    void groupCommandsCreateInviteJoinAndLeave() {
        String invitation = FakeNode.groupId(7);
        ControllerHarness chat = new ControllerHarness();
        chat.node.contact(ADA, "ada");
        chat.node.group(invitation, "book club", "invited");
        chat.start();
        chat.enter("/group invite ada");
        assertEquals("/group invite works in an open group", chat.notice());

        chat.enter("/group create team");
        String team = chat.open();
        assertEquals(Conversation.Kind.GROUP, chat.state.conversations().get(team).orElseThrow().kind());
        chat.enter("/group invite ada");
        assertTrue(chat.node.calls.contains("inviteToGroup " + team + " " + ADA));
        assertEquals("invited ada to team", chat.notice());

        chat.enter("/group join " + invitation);
        assertEquals(invitation, chat.open());
        assertEquals(Conversation.Kind.GROUP, chat.state.conversations().get(invitation).orElseThrow().kind());
        chat.enter("/group leave");
        assertTrue(chat.state.conversations().get(invitation).isEmpty());
        assertEquals("left book club", chat.notice());
        assertFalse(chat.noticeIsError());
    }

    @Test
    void aMessageToAnInvitationIsRefusedUntilJoined() {
        ControllerHarness chat = new ControllerHarness();
        chat.node.group(FakeNode.groupId(7), "book club", "invited");
        chat.start();
        chat.enter("hi all");
        assertEquals("join the group first: /group join (or decline: /group leave)", chat.notice());
        assertTrue(chat.node.calls.stream().noneMatch(call -> call.startsWith("sendToGroup")));
    }

    @Test
    void messageIdsAreShownOnAskAndNameTheMessageToReplyToReactToEditOrDelete() {
        ControllerHarness chat = new ControllerHarness();
        chat.node.contact(ADA, "ada");
        chat.node.histories.put(ADA, new java.util.ArrayList<>(java.util.List.of(
                FakeNode.incoming("3f2a9c00aa", ADA, "lunch?", 5),
                new org.parley.api.MessageView("3f2a9d00dd", "out", ADA, "tea?", 6, null, "delivered", null, false,
                        null))));
        chat.start();
        java.util.function.Supplier<java.util.List<String>> rows = () -> new org.parley.tui.model.TimelineLayout(
                java.time.ZoneId.of("UTC")).rows(chat.state.timeline(ADA).entries(), 80, chat.state.showIds())
                .stream().map(org.parley.tui.model.TimelineLayout.Row::text).toList();
        assertTrue(rows.get().stream().noneMatch(row -> row.contains("#3f2a")), "IDs are hidden by default");
        chat.enter("/ids");
        assertTrue(rows.get().stream().anyMatch(row -> row.contains("#3f2a9c") && row.contains("lunch?")),
                rows.get().toString());

        chat.enter("/reply 3f2a9c yes please");
        assertTrue(chat.node.calls.contains("send " + ADA + " yes please replying to 3f2a9c00aa"), chat.node.calls.toString());
        chat.enter("/react 3f2a9c 👍");
        assertTrue(chat.node.calls.contains("react " + ADA + " 3f2a9c00aa 👍"));
        assertTrue(rows.get().stream().anyMatch(row -> row.contains("👍")), "the message as now shown replaces ours");
        chat.enter("/edit #3F2A9D green tea?");
        assertTrue(chat.node.calls.contains("edit " + ADA + " 3f2a9d00dd green tea?"));
        assertTrue(rows.get().stream().anyMatch(row -> row.contains("green tea? (edited)")), rows.get().toString());
        chat.enter("/delete 3f2a9d");
        assertTrue(chat.node.calls.contains("delete " + ADA + " 3f2a9d00dd"));

        chat.enter("/edit 3f2a not sure which");
        assertTrue(chat.noticeIsError());
        assertTrue(chat.notice().startsWith("more than one message"), chat.notice());
        chat.enter("/delete 0000");
        assertTrue(chat.notice().startsWith("no message 0000"), chat.notice());
        assertEquals(1, chat.node.calls.stream().filter(call -> call.startsWith("delete ")).count(),
                "nothing is guessed");
    }

    @Test
    void aMessageOfAGroupIsDeletedByItsShortIdAndNothingActsWithoutAnOpenConversation() {
        ControllerHarness chat = new ControllerHarness();
        String group = FakeNode.groupId(7);
        chat.node.group(group, "club", "joined");
        String entry = String.format("%064x", 77);
        chat.node.groupHistories.put(group, java.util.List.of(new org.parley.api.GroupMessageView(group, entry,
                FakeNode.OWN_ID, "oops", 5, 5, 1)));
        chat.enter("/delete 0000");
        assertTrue(chat.noticeIsError());
        assertEquals("/delete works in an open conversation or group", chat.notice());
        chat.start();
        chat.ctrl('x');
        assertEquals(group, chat.open());
        chat.enter("/delete " + entry.substring(0, 8));
        assertTrue(chat.node.calls.contains("deleteInGroup " + group + " " + entry), chat.node.calls.toString());
        assertTrue(chat.texts(group).contains(""), chat.texts(group).toString());
    }
}
