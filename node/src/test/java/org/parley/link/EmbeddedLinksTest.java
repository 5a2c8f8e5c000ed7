package org.parley.link;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.parley.identity.Identity;
import org.parley.identity.PeerId;
import org.parley.proto.wire.v1.DhtMessage;
import org.parley.proto.wire.v1.Frame;
import org.parley.proto.wire.v1.Hello;
import org.parley.proto.wire.v1.MailboxFrame;
import org.parley.runtime.VirtualScheduler;

/** The test fake of the links behaves as the link layer does where layers can tell. */
class EmbeddedLinksTest {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Frame DHT = Frame.newBuilder().setDht(DhtMessage.newBuilder().setRequestId(1)).build();
    private static final Frame DHT2 = Frame.newBuilder().setDht(DhtMessage.newBuilder().setRequestId(2)).build();
    private static final Frame MAIL = Frame.newBuilder().setMailbox(MailboxFrame.getDefaultInstance()).build();

    private final PeerId alice = Identity.generate("alice", RANDOM).peerId();
    private final PeerId bob = Identity.generate("bob", RANDOM).peerId();

    @Test
    void linksOpenAndCloseOnceAndTellEveryListener() {
        EmbeddedLinks links = new EmbeddedLinks();
        Layer first = new Layer(Frame.BodyCase.DHT);
        List<String> second = new ArrayList<>();
        links.addLayer(first);
        links.addListener(new LinkEvents() {
            @Override
            public void peerConnected(PeerInfo peer) {
                second.add("+" + peer.peerId().shortForm());
            }

            @Override
            public void peerDisconnected(PeerId peer) {
                second.add("-" + peer.shortForm());
            }
        });

        links.open(bob);
        links.open(bob);
        assertTrue(links.isConnected(bob));
        assertTrue(links.close(bob));
        assertFalse(links.close(bob));

        List<String> expected = List.of("+" + bob.shortForm(), "-" + bob.shortForm());
        assertEquals(expected, first.events);
        assertEquals(expected, second);
    }

    @Test
    void whatALayerSendsIsReadPerPeerInOrderAndNothingGoesWithoutALink() {
        EmbeddedLinks links = new EmbeddedLinks();
        links.open(bob);

        assertTrue(links.send(bob, DHT));
        assertTrue(links.send(bob, DHT2));
        assertFalse(links.send(alice, MAIL), "no link to alice");

        assertEquals(DHT, links.readOutbound(bob));
        assertEquals(DHT2, links.readOutbound(bob));
        assertNull(links.readOutbound(bob));
        assertNull(links.readOutbound(alice));
        assertEquals(List.of(DHT, DHT2, MAIL), links.sendLog(), "every attempt, in order");
    }

    @Test
    void injectedFramesGoThroughTheRealRouting() {
        EmbeddedLinks links = new EmbeddedLinks();
        Layer dht = new Layer(Frame.BodyCase.DHT);
        links.addLayer(dht);
        links.open(bob);

        assertTrue(links.inject(bob, DHT));
        assertFalse(links.inject(bob, MAIL), "nobody took mailbox frames");
        assertFalse(links.inject(bob, Frame.newBuilder().setHello(Hello.getDefaultInstance()).build()));

        assertEquals(List.of(DHT), dht.frames);
        assertEquals(LinkManager.PENALTY_UNKNOWN_FRAME + LinkManager.PENALTY_PROTOCOL_VIOLATION,
                links.penalties().get(bob));
        assertThrows(IllegalStateException.class, () -> links.addFrameHandler(new Layer(Frame.BodyCase.DHT)));
        assertThrows(IllegalStateException.class, () -> links.inject(alice, DHT), "no frame without a link");
    }

    @Test
    void pairedLinksCarryFramesBothWaysUntilEitherEndCloses() {
        VirtualScheduler loop = new VirtualScheduler(0);
        EmbeddedLinks a = new EmbeddedLinks(alice);
        EmbeddedLinks b = new EmbeddedLinks(bob);
        Layer atAlice = new Layer(Frame.BodyCase.DHT);
        Layer atBob = new Layer(Frame.BodyCase.DHT);
        a.addLayer(atAlice);
        b.addLayer(atBob);

        EmbeddedLinks.pair(a, b, loop);
        a.send(bob, DHT);
        a.send(bob, DHT2);
        b.send(alice, DHT);
        assertTrue(atBob.frames.isEmpty(), "delivered as a later task of the loop");
        loop.runUntilIdle();
        assertEquals(List.of(DHT, DHT2), atBob.frames);
        assertEquals(List.of(DHT), atAlice.frames);

        b.lossy().add(alice);
        b.send(alice, DHT2);
        loop.runUntilIdle();
        assertEquals(List.of(DHT), atAlice.frames, "lost on the way");

        a.send(bob, DHT);
        b.close(alice);
        loop.runUntilIdle();
        assertFalse(a.isConnected(bob), "closed at both ends");
        assertEquals(List.of(DHT, DHT2), atBob.frames, "nothing arrives on a closed link");

        a.stopNode();
        a.addLayer(new Layer(Frame.BodyCase.DHT)); // a new incarnation's layers take the types afresh
        assertTrue(a.linkedPeers().isEmpty());
    }

    /** A layer that takes some frame types and keeps what it hears. */
    private static final class Layer implements LinkEvents, FrameHandler {
        final Set<Frame.BodyCase> types;
        final List<Frame> frames = new ArrayList<>();
        final List<String> events = new ArrayList<>();

        Layer(Frame.BodyCase... types) {
            this.types = Set.of(types);
        }

        @Override
        public Set<Frame.BodyCase> frameTypes() {
            return types;
        }

        @Override
        public void frameReceived(PeerId from, Frame frame) {
            frames.add(frame);
        }

        @Override
        public void peerConnected(PeerInfo peer) {
            events.add("+" + peer.peerId().shortForm());
        }

        @Override
        public void peerDisconnected(PeerId peer) {
            events.add("-" + peer.shortForm());
        }
    }
}
