package org.parley.tui.app;

import java.util.Optional;
import org.parley.tui.model.Command;
import org.parley.tui.model.CommandParser;
import org.parley.tui.model.Conversation;
import org.parley.tui.model.ShortIds;
import org.parley.tui.model.TimelineEntry;

/**
 * {@code /reply}, {@code /react}, {@code /edit}, {@code /delete} and {@code /ids}: acting on one
 * message of the open conversation, named by its short ID (shown with {@code /ids}), in a direct
 * conversation or a group alike. The node decides what is allowed (only the author edits or
 * deletes); its refusal is shown as any other. The message as now shown replaces ours.
 */
final class MessageActions {
    private final ChatContext chat;

    MessageActions(ChatContext chat) {
        this.chat = chat;
    }

    /** Runs one of these commands; false when {@code command} is none of them. */
    boolean run(Command command) {
        if (command instanceof Command.Ids) {
            chat.state.toggleIds();
            chat.notice(chat.state.showIds() ? "message IDs shown: /reply, /react, /edit or /delete ID"
                    : "message IDs hidden");
        } else if (command instanceof Command.Reply reply) {
            target(reply.messageId(), "/reply").ifPresent(target -> reply(target, reply.text()));
        } else if (command instanceof Command.React react) {
            target(react.messageId(), "/react").ifPresent(target -> change(target, react.emoji(), Change.REACT));
        } else if (command instanceof Command.Edit edit) {
            target(edit.messageId(), "/edit").ifPresent(target -> change(target, edit.text(), Change.EDIT));
        } else if (command instanceof Command.Delete delete) {
            target(delete.messageId(), "/delete").ifPresent(target -> change(target, "", Change.DELETE));
        } else {
            return false;
        }
        return true;
    }

    private enum Change { REACT, EDIT, DELETE }

    /** The open conversation and the full ID of its message that {@code typed} names. */
    private record Target(Conversation conversation, String messageId) {
        boolean group() {
            return conversation.kind() == Conversation.Kind.GROUP;
        }
    }

    private Optional<Target> target(String typed, String command) {
        Optional<Conversation> open = chat.state.conversations().selected();
        if (open.isEmpty() || open.get().kind() == Conversation.Kind.INVITATION) {
            chat.error(command + " works in an open conversation or group");
            return Optional.empty();
        }
        try {
            Optional<String> id = ShortIds.resolve(typed, chat.state.timeline(open.get().id()).entries().stream()
                    .map(TimelineEntry::id).toList());
            if (id.isEmpty()) {
                chat.error("no message " + org.parley.tui.text.TextWidth.printable(shorten(typed))
                        + " here (IDs are shown with /ids)");
                return Optional.empty();
            }
            return Optional.of(new Target(open.get(), id.get()));
        } catch (CommandParser.BadCommandException e) {
            chat.error(e.getMessage());
            return Optional.empty();
        }
    }

    private void reply(Target target, String text) {
        String conversation = target.conversation().id();
        Optional<String> quoted = Optional.of(target.messageId());
        if (target.group()) {
            chat.node.submit(api -> api.sendToGroup(conversation, text, quoted),
                    message -> chat.state.timeline(conversation).put(chat.entry(message)), chat::error);
        } else {
            chat.node.submit(api -> api.send(conversation, text, quoted),
                    message -> chat.state.timeline(conversation).put(chat.entry(message)), chat::error);
        }
    }

    private void change(Target target, String value, Change change) {
        String conversation = target.conversation().id();
        String id = target.messageId();
        if (target.group()) {
            chat.node.submit(api -> switch (change) {
                case REACT -> api.reactInGroup(conversation, id, value);
                case EDIT -> api.editInGroup(conversation, id, value);
                case DELETE -> api.deleteInGroup(conversation, id);
            }, message -> chat.state.timeline(conversation).put(chat.entry(message)), chat::error);
        } else {
            chat.node.submit(api -> switch (change) {
                case REACT -> api.react(conversation, id, value);
                case EDIT -> api.edit(conversation, id, value);
                case DELETE -> api.delete(conversation, id);
            }, message -> chat.state.timeline(conversation).put(chat.entry(message)), chat::error);
        }
    }

    private static String shorten(String typed) {
        return typed.length() <= 24 ? typed : typed.substring(0, 24) + "…";
    }
}
