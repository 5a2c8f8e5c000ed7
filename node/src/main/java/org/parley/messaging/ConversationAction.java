package org.parley.messaging;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Optional;
import org.parley.link.Misbehaviour;
import org.parley.proto.wire.v1.Deletion;
import org.parley.proto.wire.v1.Edit;
import org.parley.proto.wire.v1.Reaction;

/**
 * A reaction to, an edit of or the deletion of an earlier message, checked in shape. Its order
 * (the sender's time in a direct message, the Lamport number in a group) and its ID (the
 * carrying message's) decide which of two changes to one message is the later, on every side
 * alike, whatever order they arrive in.
 *
 * @param value the emoji (empty: taken back) or the new text; empty for a deletion
 */
public record ConversationAction(Kind kind, byte[] target, String value, long order, byte[] actionId) {
    public enum Kind { REACTION, EDIT, DELETION }

    /** Checks an action from the wire; {@code targetSize} is 16 in direct messages, 32 in groups. */
    public static ConversationAction parse(org.parley.proto.wire.v1.ConversationAction proto, int targetSize,
                                           int maxTextBytes, long order, byte[] actionId) throws EnvelopeException {
        if (proto.getTarget().size() != targetSize) {
            throw new EnvelopeException(Misbehaviour.MALFORMED, "an action names no valid message");
        }
        byte[] target = proto.getTarget().toByteArray();
        return switch (proto.getKindCase()) {
            case REACTION -> {
                String emoji = proto.getReaction().getEmoji();
                Optional<String> problem = proto.getReaction().getEmojiBytes().size() > ReactionText.MAX_BYTES
                        ? Optional.of("reaction over the limit") : ReactionText.problem(emoji);
                if (problem.isPresent()) {
                    throw new EnvelopeException(proto.getReaction().getEmojiBytes().size() > ReactionText.MAX_BYTES
                            ? Misbehaviour.TOO_LARGE : Misbehaviour.MALFORMED, problem.get());
                }
                yield new ConversationAction(Kind.REACTION, target, emoji, order, actionId);
            }
            case EDIT -> {
                if (proto.getEdit().getTextBytes().size() > maxTextBytes) {
                    throw new EnvelopeException(Misbehaviour.TOO_LARGE, "edited text over the limit");
                }
                if (proto.getEdit().getText().isEmpty()) {
                    throw new EnvelopeException(Misbehaviour.MALFORMED, "an edit without text");
                }
                yield new ConversationAction(Kind.EDIT, target, proto.getEdit().getText(), order, actionId);
            }
            case DELETION -> new ConversationAction(Kind.DELETION, target, "", order, actionId);
            default -> throw new EnvelopeException(Misbehaviour.MALFORMED, "an action of unknown kind");
        };
    }

    public org.parley.proto.wire.v1.ConversationAction toProto() {
        org.parley.proto.wire.v1.ConversationAction.Builder builder = org.parley.proto.wire.v1.ConversationAction
                .newBuilder().setTarget(com.google.protobuf.ByteString.copyFrom(target));
        return switch (kind) {
            case REACTION -> builder.setReaction(Reaction.newBuilder().setEmoji(value)).build();
            case EDIT -> builder.setEdit(Edit.newBuilder().setText(value)).build();
            case DELETION -> builder.setDeletion(Deletion.getDefaultInstance()).build();
        };
    }

    /** Whether this action comes after a change of the given order and ID (ties broken by ID, so all sides agree). */
    public boolean isAfter(long otherOrder, byte[] otherId) {
        if (order != otherOrder) {
            return order > otherOrder;
        }
        return Arrays.compareUnsigned(actionId, otherId) > 0;
    }

    byte[] valueBytes() {
        return value.getBytes(StandardCharsets.UTF_8);
    }
}
