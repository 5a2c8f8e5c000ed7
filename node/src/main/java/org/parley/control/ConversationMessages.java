package org.parley.control;

import java.util.List;
import java.util.Optional;
import org.parley.api.GroupMessageView;
import org.parley.api.MessageView;
import org.parley.api.ReactionView;
import org.parley.proto.control.v1.GroupMessage;
import org.parley.proto.control.v1.Message;
import org.parley.proto.control.v1.Reaction;

/** The conversation features' fields of messages, between the API's views and the control protocol. */
final class ConversationMessages {
    private ConversationMessages() {
    }

    static Message withConversation(Message.Builder message, MessageView view) {
        if (view.replyTo() != null) {
            message.setReplyTo(view.replyTo());
        }
        view.reactions().forEach(reaction -> message.addReactions(toProto(reaction)));
        return message.setEdited(view.edited()).setDeleted(view.deleted()).build();
    }

    static GroupMessage withConversation(GroupMessage.Builder message, GroupMessageView view) {
        if (view.replyTo() != null) {
            message.setReplyTo(view.replyTo());
        }
        view.reactions().forEach(reaction -> message.addReactions(toProto(reaction)));
        return message.setEdited(view.edited()).setDeleted(view.deleted()).build();
    }

    static MessageView withConversation(MessageView view, Message message) {
        return new MessageView(view.id(), view.direction(), view.peerId(), view.text(), view.sentAt(),
                view.receivedAt(), view.state(), view.reason(), view.request(), view.replicas(),
                message.hasReplyTo() ? message.getReplyTo() : null, reactions(message.getReactionsList()),
                message.getEdited(), message.getDeleted(), view.file());
    }

    static GroupMessageView withConversation(GroupMessageView view, GroupMessage message) {
        return new GroupMessageView(view.groupId(), view.entryId(), view.senderId(), view.text(), view.sentAt(),
                view.receivedAt(), view.lamport(), message.hasReplyTo() ? message.getReplyTo() : null,
                reactions(message.getReactionsList()), message.getEdited(), message.getDeleted());
    }

    static Optional<String> replyTo(boolean has, String replyTo) {
        return has ? Optional.of(replyTo) : Optional.empty();
    }

    private static Reaction toProto(ReactionView view) {
        return Reaction.newBuilder().setPeerId(view.peerId()).setEmoji(view.emoji()).build();
    }

    private static List<ReactionView> reactions(List<Reaction> reactions) {
        return reactions.stream().map(reaction -> new ReactionView(reaction.getPeerId(), reaction.getEmoji())).toList();
    }
}
