package org.parley.tui.model;

/** What a line typed in the input asks for: a message to send, or one of the slash commands. */
public sealed interface Command {
    /** Plain text: a message to the open conversation. */
    record Say(String text) implements Command {
    }

    /** {@code /add PEER_ID [name]}: makes the peer a contact and opens the conversation. */
    record Add(String peerId, String name) implements Command {
    }

    /** {@code /accept [name]}: the open message request becomes a contact. */
    record Accept(String name) implements Command {
    }

    /** {@code /block}: drops the open conversation's peer's messages from now on. */
    record Block() implements Command {
    }

    /** {@code /nick NAME}: renames the open conversation's contact. */
    record Nick(String name) implements Command {
    }

    /** {@code /id}: own peer ID and its QR code. */
    record ShowId() implements Command {
    }

    /** {@code /verify}: the safety number shared with the open conversation's peer. */
    record Verify() implements Command {
    }

    record Peers() implements Command {
    }

    /** {@code /search TEXT}: the open conversation's messages holding the text. */
    record Search(String text) implements Command {
    }

    /** {@code /file PATH}: offers the file at PATH (on this machine; {@code ~/} is the home) to the open conversation. */
    record SendFile(String path) implements Command {
    }

    /** {@code /group create NAME}: founds a group and opens it. */
    record GroupCreate(String name) implements Command {
    }

    /** {@code /group invite PEER}: invites a contact (by name) or a peer ID into the open group. */
    record GroupInvite(String peer) implements Command {
    }

    /** {@code /group join [GROUP_ID]}: accepts an invitation, the open one when no ID is given. */
    record GroupJoin(String groupId) implements Command {
    }

    /** {@code /group leave}: leaves the open group, or declines its invitation. */
    record GroupLeave() implements Command {
    }

    /** {@code /group remove PEER}: removes a member from the open group (admins only). */
    record GroupRemove(String peer) implements Command {
    }

    /** {@code /group members}: the open group's members. */
    record GroupMembers() implements Command {
    }

    /** {@code /mute}: silences the open conversation (no bell, unread out of the total), or undoes it. */
    record Mute() implements Command {
    }

    /** {@code /reply ID TEXT}: sends TEXT quoting the open conversation's message ID (its short form). */
    record Reply(String messageId, String text) implements Command {
    }

    /** {@code /react ID EMOJI}: reacts to a message; without an emoji, takes our reaction back. */
    record React(String messageId, String emoji) implements Command {
    }

    /** {@code /edit ID TEXT}: replaces the text of one of our messages. */
    record Edit(String messageId, String text) implements Command {
    }

    /** {@code /delete ID}: deletes one of our messages for everyone. */
    record Delete(String messageId) implements Command {
    }

    /** {@code /ids}: shows each message's short ID in the timeline, or hides them again. */
    record Ids() implements Command {
    }

    record Help() implements Command {
    }

    record Quit() implements Command {
    }
}
