package org.parley.mailbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.parley.identity.Identity;
import org.parley.identity.PeerId;
import org.parley.link.EmbeddedLinks;
import org.parley.messaging.PrekeyBundles;
import org.parley.overlay.record.PeerRecord;
import org.parley.proto.wire.v1.Frame;
import org.parley.proto.wire.v1.MailboxFrame;
import org.parley.proto.wire.v1.PrekeyBundle;
import org.parley.proto.wire.v1.RelayAnswer;
import org.parley.proto.wire.v1.RelayOffer;
import org.parley.runtime.VirtualScheduler;

/**
 * The offer and acceptance of relay contacts, one node at a time: who may become a relay of our
 * mail, how many, and what reaches our record; offers, answers and withdrawals that are not what
 * an honest peer sends change nothing, and unasked answers cost their sender.
 */
class RelayContactsTest {
    private static final SecureRandom RANDOM = new SecureRandom();

    private final VirtualScheduler loop = new VirtualScheduler(1_767_225_600_000L);
    private final Identity bob = Identity.generate("bob", RANDOM);
    private final Identity carol = Identity.generate("carol", RANDOM);
    private final Identity mallory = Identity.generate("mallory", RANDOM);
    private final EmbeddedLinks links = new EmbeddedLinks();
    private final Set<PeerId> contacts = new HashSet<>();
    private final List<List<PeerId>> announced = new ArrayList<>();
    private final Map<PeerId, PeerRecord> records = new HashMap<>();
    private final Map<String, Boolean> journal = new HashMap<>();
    private final RelayContacts relays;

    RelayContactsTest() {
        List.of(carol.peerId(), mallory.peerId()).forEach(links::open);
        RelayJournal recording = new RelayJournal() {
            @Override
            public void put(PeerId peer, boolean forUs, boolean accepted) {
                journal.put(peer + (forUs ? "/for_us" : "/for_them"), accepted);
            }

            @Override
            public void remove(PeerId peer, boolean forUs) {
                journal.remove(peer + (forUs ? "/for_us" : "/for_them"));
            }
        };
        ReplicaFinder finder = new ReplicaFinder() {
            @Override
            public List<PeerRecord> closest(PeerId recipient, int count) {
                return List.of();
            }

            @Override
            public java.util.Optional<PeerRecord> recordOf(PeerId peer) {
                return java.util.Optional.ofNullable(records.get(peer));
            }
        };
        relays = new RelayContacts(bob.peerId(), links, new MailCourier(links, loop, Duration.ofSeconds(10)), finder,
                new RelayContacts.Wiring(contacts::contains, announced::add, recording), loop);
        relays.start();
    }

    private RelayAnswer.Outcome offerFrom(PeerId from, long requestId, boolean offered) {
        relays.offerReceived(from, requestId, RelayOffer.newBuilder().setOffered(offered).build());
        loop.runUntilIdle();
        List<Frame> answers = links.takeSent(from);
        if (!offered) {
            assertEquals(List.of(), answers, "a withdrawal is not answered");
            return null;
        }
        assertEquals(1, answers.size());
        assertEquals(requestId, answers.get(0).getMailbox().getRequestId());
        return answers.get(0).getMailbox().getRelayAnswer().getOutcome();
    }

    private List<PeerId> lastAnnounced() {
        return announced.get(announced.size() - 1);
    }

    @Test
    void anOfferFromANonContactIsRefusedAndChangesNothing() {
        assertEquals(List.of(List.of()), announced, "the record names no relays at start");
        assertEquals(RelayAnswer.Outcome.NOT_A_CONTACT, offerFrom(mallory.peerId(), 1, true));
        assertEquals(List.of(), relays.relaysForUs());
        assertEquals(1, announced.size(), "nothing new announced");
        assertEquals(Map.of(), journal);
        assertEquals(0.0, links.penalties().getOrDefault(mallory.peerId(), 0.0), "offering early is not hostile");
    }

    @Test
    void aContactsOfferIsAcceptedOnceAnnouncedAndWrittenDown() {
        contacts.add(carol.peerId());
        assertEquals(RelayAnswer.Outcome.ACCEPTED, offerFrom(carol.peerId(), 1, true));
        assertEquals(List.of(carol.peerId()), relays.relaysForUs());
        assertEquals(List.of(carol.peerId()), lastAnnounced());
        assertEquals(Map.of(carol.peerId() + "/for_us", true), journal);

        // Offered again (every time a link comes up): the same answer, nothing announced twice.
        assertEquals(RelayAnswer.Outcome.ACCEPTED, offerFrom(carol.peerId(), 2, true));
        assertEquals(2, announced.size());

        // Someone else's withdrawal does not remove carol: the link says who withdraws.
        offerFrom(mallory.peerId(), 3, false);
        assertEquals(List.of(carol.peerId()), relays.relaysForUs());

        offerFrom(carol.peerId(), 4, false);
        assertEquals(List.of(), relays.relaysForUs());
        assertEquals(List.of(), lastAnnounced());
        assertEquals(Map.of(), journal);
    }

    @Test
    void noMoreRelaysThanARecordMayNameAreAccepted() {
        List<PeerId> offering = new ArrayList<>();
        for (int i = 0; i < PeerRecord.MAX_RELAYS + 1; i++) {
            PeerId contact = Identity.generate("contact" + i, RANDOM).peerId();
            contacts.add(contact);
            links.open(contact);
            offering.add(contact);
        }
        for (int i = 0; i < PeerRecord.MAX_RELAYS; i++) {
            assertEquals(RelayAnswer.Outcome.ACCEPTED, offerFrom(offering.get(i), i, true));
        }
        assertEquals(RelayAnswer.Outcome.FULL, offerFrom(offering.get(PeerRecord.MAX_RELAYS), 9, true));
        assertEquals(offering.subList(0, PeerRecord.MAX_RELAYS), relays.relaysForUs());
        assertEquals(offering.subList(0, PeerRecord.MAX_RELAYS), lastAnnounced());
    }

    @Test
    void anOfferGoesOutNowAndOnEveryNewLinkUntilWithdrawnAndTheAnswerIsKept() {
        relays.offer(carol.peerId());
        assertTrue(links.takeSent(carol.peerId()).get(0).getMailbox().getRelayOffer().getOffered());
        assertEquals(Map.of(carol.peerId(), false), relays.relayingFor());
        relays.answerReceived(carol.peerId(), answer(RelayAnswer.Outcome.ACCEPTED));
        assertEquals(Map.of(carol.peerId(), true), relays.relayingFor());
        assertEquals(Map.of(carol.peerId() + "/for_them", true), journal);

        relays.peerConnected(carol.peerId());
        assertTrue(links.takeSent(carol.peerId()).get(0).getMailbox().getRelayOffer().getOffered());

        relays.withdraw(carol.peerId());
        MailboxFrame withdrawal = links.takeSent(carol.peerId()).get(0).getMailbox();
        assertTrue(withdrawal.hasRelayOffer() && !withdrawal.getRelayOffer().getOffered());
        assertEquals(Map.of(), relays.relayingFor());
        assertEquals(Map.of(), journal);
    }

    @Test
    void aPeerWhoseRecordStillNamesUsAfterWeWithdrewIsToldAgainWhenItLinks() {
        records.put(carol.peerId(), PeerRecord.create(carol, List.of(), 1, loop.nowMillis(), 3_600_000,
                bundleOf(carol), List.of(bob.peerId())));
        relays.peerConnected(carol.peerId());
        loop.advance(Duration.ofSeconds(3));
        MailboxFrame told = links.takeSent(carol.peerId()).get(0).getMailbox();
        assertTrue(told.hasRelayOffer() && !told.getRelayOffer().getOffered());

        relays.peerConnected(mallory.peerId());
        loop.advance(Duration.ofSeconds(3));
        assertEquals(List.of(), links.takeSent(mallory.peerId()), "a record that does not name us: nothing to say");
    }

    @Test
    void anAnswerToNoOfferCostsItsSenderAndChangesNothing() {
        relays.answerReceived(mallory.peerId(), answer(RelayAnswer.Outcome.ACCEPTED));
        assertEquals(MailboxException.Reason.UNASKED.penalty, links.penalties().get(mallory.peerId()));
        assertEquals(Map.of(), relays.relayingFor());
        assertEquals(Map.of(), journal);
    }

    private static RelayAnswer answer(RelayAnswer.Outcome outcome) {
        return RelayAnswer.newBuilder().setOutcome(outcome).build();
    }

    private PrekeyBundle bundleOf(Identity owner) {
        return PrekeyBundles.throwaway(owner, RANDOM, loop.nowMillis());
    }
}
