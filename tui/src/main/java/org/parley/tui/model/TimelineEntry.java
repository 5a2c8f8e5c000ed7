package org.parley.tui.model;

import org.parley.api.GroupMessageView;
import org.parley.api.MessageView;

/**
 * One message as the timeline shows it.
 *
 * @param at when it happened for this user: when it arrived (incoming) or was sent (own), in
 *           milliseconds since the epoch
 * @param reason why an own message failed, else null
 * @param extras its reply, edit, deletion and reactions
 */
public record TimelineEntry(String id, boolean own, String sender, String text, long at, DeliveryMark mark,
                            String reason, EntryExtras extras) {
    /** An entry without replies, edits, deletions or reactions. */
    public TimelineEntry(String id, boolean own, String sender, String text, long at, DeliveryMark mark,
                         String reason) {
        this(id, own, sender, text, at, mark, reason, EntryExtras.NONE);
    }

    /** The entry of a message, {@code sender} being the name to show for its author. */
    public static TimelineEntry of(MessageView message, String sender) {
        boolean own = "out".equals(message.direction());
        long at = !own && message.receivedAt() != null ? message.receivedAt() : message.sentAt();
        return new TimelineEntry(message.id(), own, sender, message.text(), at,
                DeliveryMark.of(message.direction(), message.state()), message.reason(),
                EntryExtras.of(message.replyTo(), message.reactions(), message.edited(), message.deleted()));
    }

    /**
     * The entry of a group post, {@code sender} being the name to show for its author; an own post
     * some member read (read marks on: decision 0062) shows as read.
     */
    public static TimelineEntry of(GroupMessageView message, String sender, boolean own) {
        return new TimelineEntry(message.entryId(), own, sender, message.text(),
                own ? message.sentAt() : message.receivedAt(),
                own && !message.readBy().isEmpty() ? DeliveryMark.READ : DeliveryMark.NONE, null,
                EntryExtras.of(message.replyTo(), message.reactions(), message.edited(), message.deleted()));
    }
}
