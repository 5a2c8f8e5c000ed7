package org.parley.messaging;

import com.google.protobuf.ByteString;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.parley.link.Misbehaviour;
import org.parley.proto.wire.v1.Content;

/**
 * The text message a peer sent, read out of its decrypted content and checked before anything is
 * stored: a valid message ID, text in well-formed UTF-8 within the size limit, and a reply that
 * names a message ID of the right size. A peer's bytes never become a string any other way.
 */
record InboundText(MessageId id, String text, Annotations annotations) {
    /** @throws EnvelopeException saying what was wrong, for the sender to be scored by */
    static InboundText of(Content content, int maxTextBytes) throws EnvelopeException {
        MessageId id;
        String text;
        try {
            id = MessageId.of(content.getMessageId().toByteArray());
            text = StandardCharsets.UTF_8.newDecoder().decode(content.getTextBytes().asReadOnlyByteBuffer()).toString();
        } catch (IllegalArgumentException | CharacterCodingException e) {
            throw new EnvelopeException(Misbehaviour.MALFORMED, "message without a valid ID or text");
        }
        ByteString replyTo = content.getReplyTo();
        if (!replyTo.isEmpty() && replyTo.size() != MessageId.SIZE) {
            throw new EnvelopeException(Misbehaviour.MALFORMED, "a reply to no valid message ID");
        }
        Annotations annotations = replyTo.isEmpty() ? Annotations.NONE
                : new Annotations(MessageId.of(replyTo.toByteArray()).toString(), false, false, List.of());
        if (content.getTextBytes().size() > maxTextBytes) {
            throw new EnvelopeException(Misbehaviour.TOO_LARGE, "text over the limit");
        }
        return new InboundText(id, text, annotations);
    }
}
