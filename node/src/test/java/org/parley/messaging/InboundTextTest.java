package org.parley.messaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.protobuf.ByteString;
import org.junit.jupiter.api.Test;
import org.parley.link.Misbehaviour;
import org.parley.proto.wire.v1.Content;

/** A peer's text message read out of its content: what is taken, and what is refused and how. */
class InboundTextTest {
    private static final byte[] ID = new byte[MessageId.SIZE];

    private static Content.Builder text(String text) {
        return Content.newBuilder().setMessageId(ByteString.copyFrom(ID)).setText(text);
    }

    private static Misbehaviour refusal(Content content, int limit) {
        return assertThrows(EnvelopeException.class, () -> InboundText.of(content, limit)).rejection();
    }

    @Test
    void aWellFormedTextAndItsReplyAreTaken() throws Exception {
        byte[] target = new byte[MessageId.SIZE];
        target[0] = 9;
        InboundText plain = InboundText.of(text("héllo").build(), 6);
        assertEquals(MessageId.of(ID), plain.id());
        assertEquals("héllo", plain.text(), "six bytes of UTF-8: exactly at the limit");
        assertEquals(Annotations.NONE, plain.annotations());

        InboundText reply = InboundText.of(text("yes").setReplyTo(ByteString.copyFrom(target)).build(), 100);
        assertEquals(MessageId.of(target).toString(), reply.annotations().replyTo());
    }

    @Test
    void aBadIdABadReplyOrTooLongATextIsRefused() {
        assertEquals(Misbehaviour.MALFORMED, refusal(text("hi").setMessageId(ByteString.copyFrom(new byte[3])).build(), 100));
        assertEquals(Misbehaviour.MALFORMED, refusal(text("hi").setReplyTo(ByteString.copyFrom(new byte[5])).build(), 100));
        assertEquals(Misbehaviour.TOO_LARGE, refusal(text("héllo").build(), 5), "the limit counts bytes, not characters");
    }
}
