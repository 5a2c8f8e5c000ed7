package org.parley.link;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
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
import org.parley.proto.wire.v1.MailboxFrame;
import org.parley.proto.wire.v1.PeerExchange;

/** One owner per frame type, and each frame to its owner alone. */
class FrameRouterTest {
    private static final PeerId PEER = Identity.generate("peer", new SecureRandom()).peerId();
    private static final Frame DHT = Frame.newBuilder().setDht(DhtMessage.newBuilder().setRequestId(1)).build();
    private static final Frame EXCHANGE = Frame.newBuilder().setPeerExchange(PeerExchange.getDefaultInstance()).build();
    private static final Frame MAIL = Frame.newBuilder().setMailbox(MailboxFrame.getDefaultInstance()).build();

    private final FrameRouter router = new FrameRouter();

    @Test
    void aFrameGoesToTheOwnerOfItsTypeAndNoOtherHandler() {
        Recording dht = new Recording(Frame.BodyCase.DHT);
        Recording discovery = new Recording(Frame.BodyCase.PEER_RECORD, Frame.BodyCase.PEER_EXCHANGE);
        router.register(dht);
        router.register(discovery);

        assertTrue(router.route(PEER, DHT));
        assertTrue(router.route(PEER, EXCHANGE));
        assertTrue(router.route(PEER, DHT));

        assertEquals(List.of(DHT, DHT), dht.received);
        assertEquals(List.of(EXCHANGE), discovery.received);
        assertSame(discovery, router.ownerOf(Frame.BodyCase.PEER_RECORD).orElseThrow());
    }

    @Test
    void aFrameOfATypeNobodyTookReachesNobody() {
        Recording dht = new Recording(Frame.BodyCase.DHT);
        router.register(dht);

        assertFalse(router.route(PEER, MAIL));
        assertFalse(router.route(PEER, Frame.getDefaultInstance()), "a frame without a body has no owner");
        assertTrue(dht.received.isEmpty());
    }

    @Test
    void aTypeHasOneOwner() {
        router.register(new Recording(Frame.BodyCase.DHT));
        Recording second = new Recording(Frame.BodyCase.DHT);

        IllegalStateException refused = assertThrows(IllegalStateException.class, () -> router.register(second));
        assertTrue(refused.getMessage().contains("DHT"), refused.getMessage());
        router.route(PEER, DHT);
        assertTrue(second.received.isEmpty());
    }

    @Test
    void aHandlerThatCannotTakeAllItsTypesTakesNone() {
        router.register(new Recording(Frame.BodyCase.MAILBOX));
        Recording greedy = new Recording(Frame.BodyCase.DHT, Frame.BodyCase.MAILBOX);

        assertThrows(IllegalStateException.class, () -> router.register(greedy));
        assertTrue(router.ownerOf(Frame.BodyCase.DHT).isEmpty(), "DHT stays free for its real owner");
    }

    @Test
    void theLinkLayersOwnTypesAreNotForTaking() {
        assertThrows(IllegalArgumentException.class, () -> router.register(new Recording(Frame.BodyCase.HELLO)));
        assertThrows(IllegalArgumentException.class,
                () -> router.register(new Recording(Frame.BodyCase.BODY_NOT_SET)));
        assertThrows(IllegalArgumentException.class, () -> router.register(new Recording()));
    }

    private static final class Recording implements FrameHandler {
        final Set<Frame.BodyCase> types;
        final List<Frame> received = new ArrayList<>();

        Recording(Frame.BodyCase... types) {
            this.types = Set.of(types);
        }

        @Override
        public Set<Frame.BodyCase> frameTypes() {
            return types;
        }

        @Override
        public void frameReceived(PeerId from, Frame frame) {
            assertEquals(PEER, from);
            received.add(frame);
        }
    }
}
