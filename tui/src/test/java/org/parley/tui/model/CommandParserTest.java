package org.parley.tui.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class CommandParserTest {
    @Test
    void parsesEveryCommand() throws Exception {
        assertEquals(new Command.Say("hello"), CommandParser.parse("hello"));
        assertEquals(new Command.Say("/not a command"), CommandParser.parse("//not a command"));
        assertEquals(new Command.Add("p1abc", "Alice Smith"), CommandParser.parse("/add p1abc Alice Smith"));
        assertEquals(new Command.Add("p1abc", null), CommandParser.parse("/add p1abc"));
        assertEquals(new Command.Reply("3f2a", "me too, see you"), CommandParser.parse("/reply 3f2a me too, see you"));
        assertEquals(new Command.React("3f2a", "👍"), CommandParser.parse("/react 3f2a 👍"));
        assertEquals(new Command.React("3f2a", ""), CommandParser.parse("/react 3f2a"));
        assertEquals(new Command.Edit("#3f2a", "fixed text"), CommandParser.parse("/edit #3f2a fixed text"));
        assertEquals(new Command.Delete("3f2a"), CommandParser.parse("/delete 3f2a"));
        assertEquals(new Command.Ids(), CommandParser.parse("/ids"));
        assertEquals(new Command.Accept(null), CommandParser.parse("/accept"));
        assertEquals(new Command.Accept("bob b"), CommandParser.parse("/accept bob b"));
        assertEquals(new Command.Nick("new name"), CommandParser.parse("/NICK new name"));
        assertEquals(new Command.Search("two words"), CommandParser.parse("/search two words"));
        assertEquals(new Command.SendFile("my file.pdf"), CommandParser.parse("/file my file.pdf"));
        assertEquals(new Command.GroupCreate("my friends"), CommandParser.parse("/group create my friends"));
        assertEquals(new Command.GroupInvite("grace"), CommandParser.parse("/group INVITE grace"));
        assertEquals(new Command.GroupJoin(null), CommandParser.parse("/group join"));
        assertEquals(new Command.GroupJoin("00ff"), CommandParser.parse("/group join 00ff"));
        assertEquals(new Command.GroupRemove("ada"), CommandParser.parse("/group remove ada"));
        assertTrue(CommandParser.parse("/group leave") instanceof Command.GroupLeave);
        assertTrue(CommandParser.parse("/group members") instanceof Command.GroupMembers);
        assertTrue(CommandParser.parse("/quit") instanceof Command.Quit);
        assertTrue(CommandParser.parse("/id") instanceof Command.ShowId);
    }

    @Test
    void badCommandsAreOneLineErrors() {
        for (String line : new String[] {"/add", "/nick", "/search", "/file", "/group", "/group dance", "/group create",
                "/group invite", "/group remove", "/group leave now", "/group members all", "/group join a b", "/quit now",
                "/block him", "/frobnicate", "/reply", "/reply 3f2a", "/react", "/edit 3f2a",
                "/delete", "/delete 3f2a now", "/ids all", "/\u001b[2J" + "x".repeat(500), "   "}) {
            CommandParser.BadCommandException error =
                    assertThrows(CommandParser.BadCommandException.class, () -> CommandParser.parse(line), line);
            assertFalse(error.getMessage().contains("\n"), error.getMessage());
            assertFalse(error.getMessage().contains("\u001b"), error.getMessage());
            assertTrue(error.getMessage().length() < 80, error.getMessage());
        }
    }
}
