package org.parley.node;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.parley.identity.Identity;
import org.parley.identity.PeerId;
import org.parley.link.DialTarget;
import org.parley.link.EmbeddedLinks;
import org.parley.messaging.PrekeyBundles;
import org.parley.overlay.dht.LookupResult;
import org.parley.overlay.dht.PeerLookups;
import org.parley.overlay.record.PeerRecord;
import org.parley.runtime.VirtualScheduler;

/** Reaching peers that messages wait for, on virtual time with a DHT that answers what the test says. */
class PeerReacherTest {
    private static final SecureRandom RANDOM = new SecureRandom();

    private final VirtualScheduler loop = new VirtualScheduler(1_700_000_000_000L);
    private final EmbeddedLinks links = new EmbeddedLinks();
    private final Set<PeerId> waiting = new HashSet<>();
    /** What the DHT holds: a lookup for anyone else finds nothing. */
    private final Map<PeerId, PeerRecord> dht = new HashMap<>();
    /** Lookups still running: they answer when the test completes them. */
    private final Map<PeerId, CompletableFuture<LookupResult>> running = new HashMap<>();
    private final PeerReacher reacher = new PeerReacher(links, new PeerLookups() {
        @Override
        public CompletableFuture<LookupResult> lookup(PeerId peer) {
            if (running.containsKey(peer)) {
                return running.get(peer);
            }
            return CompletableFuture.completedFuture(new LookupResult(Optional.ofNullable(dht.get(peer)), 0, 0));
        }

        @Override
        public CompletableFuture<LookupResult> lookupNewest(PeerId peer) {
            return CompletableFuture.completedFuture(new LookupResult(Optional.empty(), 1, 3));
        }
    }, () -> new HashSet<>(waiting), record -> { }, loop, loop, PeerReacher.CHECK_INTERVAL, PeerReacher.RETRY_AFTER);

    @Test
    void aPeerTheDhtHadNoRecordOfIsDialledAsSoonAsARecordOfItTurnsUp() {
        PeerRecord member = record("member");
        waiting.add(member.peer());
        reacher.start();

        reacher.reachNow(member.peer());
        loop.runUntilIdle();
        assertEquals(List.of(), links.dials(), "no record yet: nothing to dial");

        reacher.recordLearned(member);
        loop.runUntilIdle();
        assertEquals(List.of(DialTarget.peerAt(member.peer(), member.addresses().get(0))), links.dials(),
                "dialled at once, not after the retry interval");
        reacher.stop();
    }

    @Test
    void aRecordThatComesWhileTheLookupRunsIsDialledOnceNotAgainWhenTheLookupFindsIt() {
        PeerRecord member = record("member");
        waiting.add(member.peer());
        running.put(member.peer(), new CompletableFuture<>());
        reacher.start();
        reacher.reachNow(member.peer());

        reacher.recordLearned(member);
        running.get(member.peer()).complete(new LookupResult(Optional.of(member), 2, 4));
        loop.runUntilIdle();
        assertEquals(1, links.dials().size());
        reacher.stop();
    }

    @Test
    void aRecordOfAPeerNotSoughtOrNoLongerWaitedForDialsNothing() {
        PeerRecord stranger = record("stranger");
        PeerRecord answered = record("answered");
        waiting.add(answered.peer());
        reacher.start();
        reacher.reachNow(answered.peer());
        loop.runUntilIdle();
        waiting.remove(answered.peer()); // its message went out meanwhile (a link came up another way)

        reacher.recordLearned(stranger);
        reacher.recordLearned(answered);
        loop.runUntilIdle();
        assertEquals(List.of(), links.dials());
        reacher.stop();
    }

    @Test
    void withoutARecordTheDhtIsAskedAgainOnlyAfterTheRetryInterval() {
        PeerRecord member = record("member");
        waiting.add(member.peer());
        reacher.start();
        reacher.reachNow(member.peer());
        loop.runUntilIdle();
        dht.put(member.peer(), member);

        reacher.reachNow(member.peer());
        loop.advance(PeerReacher.RETRY_AFTER.minus(Duration.ofSeconds(1)));
        assertEquals(List.of(), links.dials(), "tried within the interval: not looked up again");
        loop.advance(PeerReacher.CHECK_INTERVAL);
        assertEquals(1, links.dials().size(), "the periodic check looked it up again");
        reacher.stop();
    }

    private PeerRecord record(String name) {
        Identity identity = Identity.generate(name, RANDOM);
        return PeerRecord.create(identity, List.of("10.0.0." + (dht.size() + waiting.size() + 1) + ":7000"), 1,
                loop.nowMillis(), Duration.ofHours(1).toMillis(), PrekeyBundles.throwaway(identity, RANDOM,
                        loop.nowMillis()));
    }
}
