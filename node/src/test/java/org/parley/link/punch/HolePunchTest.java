package org.parley.link.punch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.parley.identity.Identity;
import org.parley.identity.PeerId;
import org.parley.link.Misbehaviour;
import org.parley.link.Direction;
import org.parley.link.HolePuncher;
import org.parley.link.HostPort;
import org.parley.link.LinkPath;
import org.parley.link.PeerInfo;
import org.parley.link.EmbeddedLinks;
import org.parley.proto.wire.v1.Frame;
import org.parley.proto.wire.v1.PunchAddresses;
import org.parley.proto.wire.v1.PunchFrame;
import org.parley.proto.wire.v1.PunchSync;
import org.parley.runtime.SeededRng;
import org.parley.runtime.VirtualScheduler;

/**
 * The punch protocol between two peers linked through a relay: who offers, the round trip and the
 * moment both punch, where they punch, success and fallback, and what a hostile peer's frames get.
 */
class HolePunchTest {
    private static final double MALFORMED = Misbehaviour.MALFORMED_PUNCH.penalty();
    private static final double UNSOLICITED = Misbehaviour.UNSOLICITED_PUNCH.penalty();
    private static final double OUTSIDE = Misbehaviour.PUNCH_ADDRESS_OUTSIDE.penalty();
    private static final double FLOOD = Misbehaviour.FLOOD.penalty();
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final PunchConfig CONFIG = PunchConfig.defaults();
    /** Where each one's relay sees the other: the NAT's public address. */
    private static final HostPort SMALL_SEEN = new HostPort("198.51.100.11", 40_001);
    private static final HostPort LARGE_SEEN = new HostPort("198.51.100.12", 40_002);
    private static final Duration HALF_TRIP = Duration.ofMillis(40);

    private final VirtualScheduler loop = new VirtualScheduler(1_700_000_000_000L);
    private final PeerId small;
    private final PeerId large;
    private final PeerId relay = Identity.generate("relay", RANDOM).peerId();
    private final EmbeddedLinks smallLinks = new EmbeddedLinks();
    private final EmbeddedLinks largeLinks = new EmbeddedLinks();
    private final Punches smallPunches = new Punches();
    private final Punches largePunches = new Punches();
    private final List<String> fallbacks = new ArrayList<>();
    private final HolePunch atSmall;
    private final HolePunch atLarge;

    HolePunchTest() {
        List<PeerId> two = new ArrayList<>(List.of(Identity.generate("a", RANDOM).peerId(),
                Identity.generate("b", RANDOM).peerId()));
        Collections.sort(two);
        small = two.get(0);
        large = two.get(1);
        smallLinks.open(large);
        largeLinks.open(small);
        atSmall = punch(small, smallLinks, smallPunches, LARGE_SEEN, 7450, "small");
        atLarge = punch(large, largeLinks, largePunches, SMALL_SEEN, 7451, "large");
    }

    private HolePunch punch(PeerId self, EmbeddedLinks links, Punches punches, HostPort peerSeen, int listenPort,
                            String name) {
        return new HolePunch(self, links, punches, peer -> Optional.of(peerSeen),
                () -> List.of(new HostPort("0.0.0.0", listenPort)), loop, loop, new SeededRng(listenPort), CONFIG,
                (peer, via) -> fallbacks.add(name + " back to " + peer.shortForm() + " via " + via.shortForm()));
    }

    @Test
    void aPeerTheRelaySeesOnItsOwnMachineIsNeverPunched() {
        EmbeddedLinks links = new EmbeddedLinks();
        links.open(large);
        Punches punches = new Punches();
        HolePunch nearRelay = punch(small, links, punches, new HostPort("127.0.0.1", 40_002), 7450, "near");
        nearRelay.peerConnected(info(large, Direction.OUTBOUND, LinkPath.RELAYED));
        loop.advance(CONFIG.startDelay());
        assertEquals(List.of(), links.takeSent(large), "no offer: 127.0.0.1 would name our own host");
        PunchFrame offer = PunchFrame.newBuilder().setOffer(PunchAddresses.newBuilder()
                .setNonce(7).addAddresses("0.0.0.0:7451")).build();
        nearRelay.frameReceived(large, frame(offer));
        loop.advance(CONFIG.startDelay());
        assertEquals(List.of(), punches.log, "nothing punched at a loopback address");
        assertEquals(List.of(), links.takeSent(large), "and no answer");
    }

    @Test
    void bothEndsPunchTheOthersObservedIpAtTheSameMomentAndTheDiallerFallsBackToTheRelay() {
        linkThroughRelay();
        loop.advance(CONFIG.startDelay());
        PunchFrame offer = only(smallLinks.takeSent(large));
        assertEquals(List.of("0.0.0.0:7450"), offer.getOffer().getAddressesList(),
                "the offer names the listen port; the peer fills in the IP it sees us at");
        assertEquals(List.of(), largeLinks.takeSent(small), "the larger ID never offers");

        loop.advance(HALF_TRIP);
        atLarge.frameReceived(small, frame(offer));
        PunchFrame answer = only(largeLinks.takeSent(small));
        assertEquals(offer.getOffer().getNonce(), answer.getAnswer().getNonce());
        loop.advance(HALF_TRIP);
        atSmall.frameReceived(large, frame(answer));
        PunchFrame sync = only(smallLinks.takeSent(large));
        assertEquals(offer.getOffer().getNonce(), sync.getSync().getNonce());
        assertEquals(List.of(), smallPunches.log, "the initiator waits half the round trip");

        loop.advance(HALF_TRIP);
        atLarge.frameReceived(small, frame(sync));
        assertEquals(List.of(new HostPort("198.51.100.12", 7451) + "@" + loop.nowMillis()), smallPunches.log);
        assertEquals(List.of(new HostPort("198.51.100.11", 7450) + "@" + loop.nowMillis()), largePunches.log,
                "both punch at the same moment, each at the IP its relay sees the other at");

        // The punched link replaces the relayed one; when it drops, the circuit's dialler goes back.
        atSmall.peerDisconnected(large);
        atSmall.peerConnected(info(large, Direction.OUTBOUND, LinkPath.HOLE_PUNCHED));
        atLarge.peerDisconnected(small);
        atLarge.peerConnected(info(small, Direction.INBOUND, LinkPath.HOLE_PUNCHED));
        assertEquals(1, atSmall.succeeded());
        assertEquals(1, atLarge.succeeded());
        atSmall.peerDisconnected(large);
        atLarge.peerDisconnected(small);
        loop.advance(CONFIG.fallbackDelay());
        assertEquals(List.of("small back to " + large.shortForm() + " via " + relay.shortForm()), fallbacks,
                "only the end that opened the circuit can open it again");
    }

    @Test
    void aFailedPunchIsTriedAgainAFewTimesThenLeftRelayed() {
        linkThroughRelay();
        for (int round = 1; round <= CONFIG.rounds(); round++) {
            loop.advance(round == 1 ? CONFIG.startDelay() : CONFIG.retryAfter());
            atLarge.frameReceived(small, frame(only(smallLinks.takeSent(large))));
            atSmall.frameReceived(large, frame(only(largeLinks.takeSent(small))));
            atLarge.frameReceived(small, frame(only(smallLinks.takeSent(large))));
            loop.runUntilIdle();
            smallPunches.failAll("timed out");
            largePunches.failAll("timed out");
        }
        loop.advance(CONFIG.retryAfter().multipliedBy(3));
        assertEquals(List.of(), smallLinks.takeSent(large), "no more than " + CONFIG.rounds() + " rounds");
        assertEquals(CONFIG.rounds(), atSmall.failed());
        assertEquals(CONFIG.rounds(), smallPunches.log.size());
    }

    @Test
    void noPunchingWhenTheRelayDidNotSayWhereItSeesThePeer() {
        HolePunch blind = new HolePunch(small, smallLinks, smallPunches, peer -> Optional.empty(),
                () -> List.of(new HostPort("0.0.0.0", 7450)), loop, loop, new SeededRng(1), CONFIG, (p, r) -> { });
        blind.peerConnected(info(large, Direction.OUTBOUND, LinkPath.RELAYED));
        loop.advance(CONFIG.startDelay());
        assertEquals(List.of(), smallLinks.takeSent(large));
        blind.frameReceived(large, offer(7, "0.0.0.0:7451"));
        assertEquals(List.of(), smallLinks.takeSent(large), "an offer is not answered either");
    }

    static Stream<Arguments> hostileOffers() {
        return Stream.of(
                Arguments.of("too many addresses", Collections.nCopies(9, "0.0.0.0:7450"), MALFORMED),
                Arguments.of("an oversized address", List.of("198.51.100.11:7450" + "0".repeat(60)),
                        MALFORMED),
                Arguments.of("an unparseable address", List.of("not an address"), MALFORMED),
                Arguments.of("port 0", List.of("0.0.0.0:0"), MALFORMED),
                Arguments.of("a third party's address", List.of("203.0.113.9:80"), OUTSIDE),
                Arguments.of("its LAN address", List.of("10.1.0.2:7450"), OUTSIDE),
                Arguments.of("no address at all", List.of(), 0.0));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("hostileOffers")
    void anOfferThatNamesNothingPunchableIsNotAnsweredNorPunched(String what, List<String> addresses,
                                                                 double penalty) {
        atLarge.peerConnected(info(small, Direction.INBOUND, LinkPath.RELAYED));
        atLarge.frameReceived(small, offer(42, addresses.toArray(String[]::new)));
        atLarge.frameReceived(small, frame(PunchFrame.newBuilder().setSync(PunchSync.newBuilder().setNonce(42)).build()));
        assertEquals(List.of(), largeLinks.takeSent(small), what + ": no answer");
        assertEquals(List.of(), largePunches.log, what + ": nothing punched");
        assertEquals(penalty + UNSOLICITED, largeLinks.penalties().getOrDefault(small, 0.0), 1e-9,
                what + " is scored, and so is the sync that follows it");
    }

    @Test
    void addressesOutsideThePeersObservedIpAreDroppedAndOnlyItsOwnIpIsPunched() {
        atLarge.peerConnected(info(small, Direction.INBOUND, LinkPath.RELAYED));
        atLarge.frameReceived(small, offer(42, "203.0.113.9:443", "198.51.100.11:7450", "0.0.0.0:7460",
                "198.51.100.11:7450"));
        assertEquals(OUTSIDE, largeLinks.penalties().get(small));
        only(largeLinks.takeSent(small));
        atLarge.frameReceived(small, frame(PunchFrame.newBuilder().setSync(PunchSync.newBuilder().setNonce(42)).build()));
        assertEquals(List.of("198.51.100.11:7450@" + loop.nowMillis(), "198.51.100.11:7460@" + loop.nowMillis()),
                largePunches.log, "each of its own ports once, never the third party");
    }

    @Test
    void anOfferOnALinkThatIsNotRelayedIsRefusedAndScored() {
        atLarge.peerConnected(info(small, Direction.INBOUND, LinkPath.DIRECT));
        atLarge.frameReceived(small, offer(42, "0.0.0.0:7450"));
        assertEquals(List.of(), largeLinks.takeSent(small));
        assertEquals(UNSOLICITED, largeLinks.penalties().get(small));
        atLarge.frameReceived(large, offer(43, "0.0.0.0:7450"));
        assertEquals(UNSOLICITED, largeLinks.penalties().get(large), "nor from a peer not linked at all");
    }

    @Test
    void aReplayedOfferIsScoredAndNotAnsweredTwice() {
        atLarge.peerConnected(info(small, Direction.INBOUND, LinkPath.RELAYED));
        atLarge.frameReceived(small, offer(42, "0.0.0.0:7450"));
        only(largeLinks.takeSent(small));
        largePunches.failAll("nothing");
        atLarge.frameReceived(small, offer(42, "0.0.0.0:7450"));
        assertEquals(List.of(), largeLinks.takeSent(small));
        assertEquals(UNSOLICITED, largeLinks.penalties().get(small));
        atLarge.frameReceived(small, offer(0, "0.0.0.0:7450"));
        assertEquals(UNSOLICITED + MALFORMED, largeLinks.penalties().get(small),
                "an offer without a nonce is malformed");
    }

    @Test
    void answersAndSyncsNobodyAskedForAreScoredAndPunchNothing() {
        atSmall.peerConnected(info(large, Direction.OUTBOUND, LinkPath.RELAYED));
        atSmall.frameReceived(large, frame(PunchFrame.newBuilder().setAnswer(PunchAddresses.newBuilder().setNonce(9)
                .addAddresses("0.0.0.0:7451")).build()));
        assertEquals(UNSOLICITED, smallLinks.penalties().get(large), "an answer before any offer");
        loop.advance(CONFIG.startDelay());
        PunchFrame offer = only(smallLinks.takeSent(large));
        atSmall.frameReceived(large, frame(PunchFrame.newBuilder().setAnswer(PunchAddresses.newBuilder()
                .setNonce(offer.getOffer().getNonce() + 1).addAddresses("0.0.0.0:7451")).build()));
        assertEquals(2 * UNSOLICITED, smallLinks.penalties().get(large), "an answer to another nonce");
        atSmall.frameReceived(large, frame(PunchFrame.newBuilder().setSync(PunchSync.newBuilder()
                .setNonce(offer.getOffer().getNonce())).build()));
        assertEquals(3 * UNSOLICITED, smallLinks.penalties().get(large),
                "a sync to the initiator, who sends syncs");

        atLarge.peerConnected(info(small, Direction.INBOUND, LinkPath.RELAYED));
        atLarge.frameReceived(small, offer(5, "0.0.0.0:7450"));
        atLarge.frameReceived(small, frame(PunchFrame.newBuilder().setSync(PunchSync.newBuilder().setNonce(6)).build()));
        assertEquals(UNSOLICITED, largeLinks.penalties().get(small), "a sync for another attempt");
        assertEquals(List.of(), largePunches.log);
        assertEquals(List.of(), smallPunches.log);
    }

    @Test
    void offersBeyondThePerPeerRateAreScoredAndIgnored() {
        atLarge.peerConnected(info(small, Direction.INBOUND, LinkPath.RELAYED));
        for (int nonce = 1; nonce <= CONFIG.offersPerPeerBurst(); nonce++) {
            atLarge.frameReceived(small, offer(nonce, "0.0.0.0:7450"));
            atLarge.frameReceived(small, frame(PunchFrame.newBuilder().setSync(PunchSync.newBuilder().setNonce(nonce))
                    .build()));
            largePunches.failAll("nothing");
        }
        assertEquals(CONFIG.offersPerPeerBurst(), largeLinks.takeSent(small).size(), "the burst is answered");
        assertEquals(0.0, largeLinks.penalties().getOrDefault(small, 0.0));
        atLarge.frameReceived(small, offer(100, "0.0.0.0:7450"));
        assertEquals(List.of(), largeLinks.takeSent(small));
        assertEquals(FLOOD, largeLinks.penalties().get(small));
        loop.advance(Duration.ofMinutes(1));
        atLarge.frameReceived(small, offer(101, "0.0.0.0:7450"));
        assertEquals(1, largeLinks.takeSent(small).size(), "a minute later one more is answered");
    }

    private void linkThroughRelay() {
        atSmall.peerConnected(info(large, Direction.OUTBOUND, LinkPath.RELAYED));
        atLarge.peerConnected(info(small, Direction.INBOUND, LinkPath.RELAYED));
    }

    private PeerInfo info(PeerId peer, Direction direction, LinkPath path) {
        return new PeerInfo(peer, "via " + relay, direction, loop.nowMillis(), "test", path,
                path == LinkPath.RELAYED ? Optional.of(relay) : Optional.empty());
    }

    private static Frame offer(long nonce, String... addresses) {
        return frame(PunchFrame.newBuilder().setOffer(PunchAddresses.newBuilder().setNonce(nonce)
                .addAllAddresses(List.of(addresses))).build());
    }

    private static Frame frame(PunchFrame punch) {
        return Frame.newBuilder().setPunch(punch).build();
    }

    private static PunchFrame only(List<Frame> frames) {
        assertEquals(1, frames.size(), "frames sent: " + frames);
        assertTrue(frames.get(0).hasPunch());
        return frames.get(0).getPunch();
    }

    /** The transport: records each punch, with the moment, and fails it when told to. */
    private final class Punches implements HolePuncher {
        final List<String> log = new ArrayList<>();
        final List<Consumer<String>> pending = new ArrayList<>();

        @Override
        public void punch(PeerId peer, HostPort address, Consumer<String> failed) {
            log.add(address + "@" + loop.nowMillis());
            pending.add(failed);
        }

        void failAll(String reason) {
            List<Consumer<String>> failing = new ArrayList<>(pending);
            pending.clear();
            failing.forEach(failed -> failed.accept(reason));
        }
    }
}
