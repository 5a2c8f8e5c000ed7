package org.parley.messaging;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.google.protobuf.InvalidProtocolBufferException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import org.parley.link.FuzzedFrames;
import org.parley.proto.wire.v1.Content;
import org.parley.runtime.VirtualScheduler;

/**
 * What a contact's ratchet message holds once opened ({@code Content}, a {@code ConversationAction}
 * among them), sent by bob's client through a working session to alice, on real SQLite: nothing
 * escapes; alice's own message is never edited or deleted by bob; an action either is refused
 * with a reason or reads back the same when written out again; and bob's next honest message
 * still arrives. The fuzzer cannot know the messages' random IDs, so an action aimed at sixteen
 * zero bytes is aimed at alice's message, and at sixteen 0x01 bytes at bob's.
 */
class ContentFuzzTest {
    private static Fixture shared;

    /** Alice and bob, contacts on linked messengers, one message each way; made once per run. */
    private static final class Fixture {
        final VirtualScheduler loop = new VirtualScheduler(1_700_000_000_000L);
        final MessagingNode alice;
        final MessagingNode bob;
        final MessageRecord alicesOwn;
        final MessageRecord bobsOwn;
        int honest;

        Fixture(Path directory) {
            SecureRandom random = new SecureRandom();
            alice = new MessagingNode("alice", loop, directory, random);
            bob = new MessagingNode("bob", loop, directory, random);
            MessagingNode.befriend(alice, bob);
            MessagingNode.link(alice, bob);
            loop.runUntilIdle();
            alicesOwn = alice.send(bob.id(), "mine");
            bobsOwn = bob.send(alice.id(), "yours");
            loop.advance(Duration.ofSeconds(5));
        }
    }

    private static synchronized Fixture fixture() {
        if (shared == null) {
            try {
                Path directory = Files.createTempDirectory("parley-content-fuzz-");
                directory.toFile().deleteOnExit();
                shared = new Fixture(directory);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return shared;
    }

    @FuzzTest(maxDuration = "60s")
    void whateverAContactSendsLeavesOurMessagesAndTheSession(byte[] input) {
        Fixture f = fixture();
        for (byte[] piece : FuzzedFrames.pieces(input)) {
            Content content;
            try {
                content = Content.parseFrom(piece);
            } catch (InvalidProtocolBufferException unparsed) {
                continue; // bob's client could send it, and alice refuses it as unparseable before anything else
            }
            if (content.hasConversationAction()) {
                content = aimed(content, f);
                actionReadsBackTheSame(content.getConversationAction());
            }
            Content sent = content;
            f.loop.execute(() -> f.bob.messenger.sendUnchecked(f.alice.id(), sent));
            f.loop.advance(Duration.ofMillis(200));
        }
        f.loop.advance(Duration.ofSeconds(5));

        MessageRecord own = f.alice.history(f.bob.id()).stream().filter(m -> m.id().equals(f.alicesOwn.id()))
                .findFirst().orElseThrow();
        assertEquals("mine", own.text(), "bob cannot edit alice's message");
        assertFalse(own.annotations().deleted(), "bob cannot delete alice's message");
        assertFalse(own.annotations().edited(), "bob cannot edit alice's message");

        String text = "honest " + f.honest++;
        f.bob.send(f.alice.id(), text);
        f.loop.advance(Duration.ofSeconds(5));
        assertTrue(f.alice.history(f.bob.id()).stream().anyMatch(m -> m.text().equals(text)),
                "bob's next honest message still arrives");
    }

    private static Content aimed(Content content, Fixture f) {
        com.google.protobuf.ByteString target = content.getConversationAction().getTarget();
        MessageRecord at = target.equals(com.google.protobuf.ByteString.copyFrom(new byte[MessageId.SIZE])) ? f.alicesOwn
                : target.equals(com.google.protobuf.ByteString.copyFrom(filled((byte) 1))) ? f.bobsOwn : null;
        if (at == null) {
            return content;
        }
        return content.toBuilder().setConversationAction(content.getConversationAction().toBuilder()
                .setTarget(com.google.protobuf.ByteString.copyFrom(at.id().bytes()))).build();
    }

    private static byte[] filled(byte value) {
        byte[] bytes = new byte[MessageId.SIZE];
        java.util.Arrays.fill(bytes, value);
        return bytes;
    }

    private static void actionReadsBackTheSame(org.parley.proto.wire.v1.ConversationAction proto) {
        int maxText = MessagingConfig.defaults().maxTextBytes();
        ConversationAction action;
        try {
            action = ConversationAction.parse(proto, MessageId.SIZE, maxText, 1, new byte[MessageId.SIZE]);
        } catch (EnvelopeException refused) {
            return;
        }
        ConversationAction again;
        try {
            again = ConversationAction.parse(action.toProto(), MessageId.SIZE, maxText, 1, new byte[MessageId.SIZE]);
        } catch (EnvelopeException e) {
            throw new AssertionError("an accepted action written out again is refused: " + e.getMessage(), e);
        }
        assertEquals(action.kind(), again.kind());
        assertArrayEquals(action.target(), again.target());
        assertEquals(action.value(), again.value());
    }
}
