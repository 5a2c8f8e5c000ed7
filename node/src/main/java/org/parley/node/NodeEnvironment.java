package org.parley.node;

import java.security.SecureRandom;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import org.parley.identity.Identity;
import org.parley.link.FrameHandler;
import org.parley.link.LinkManager;
import org.parley.link.Network;
import org.parley.messaging.EnvelopeVerifier;
import org.parley.overlay.dht.DhtService;
import org.parley.overlay.discovery.Discovery;
import org.parley.overlay.gossip.GossipHost;
import org.parley.overlay.record.RecordVerifier;
import org.parley.proto.wire.v1.PrekeyBundle;
import org.parley.runtime.Clock;
import org.parley.runtime.Rng;
import org.parley.groups.PostVerifier;
import org.parley.runtime.Scheduler;
import org.parley.store.StorageQueue;

/**
 * Everything a node takes from the world it runs in, and nothing it decides itself: the daemon
 * passes the real ones (event loop, system clock, entropy, TLS network, group-commit queue,
 * verifier thread), the simulator virtual ones (one virtual scheduler, seeded randomness, the
 * in-memory network, a simulated storage queue and verifier). {@link NodeAssembly} builds the
 * same node from either.
 *
 * @param identity the node's keys
 * @param scheduler the node's loop: every layer runs on it
 * @param clock wall and monotonic time
 * @param rngs a fresh {@link Rng} for each layer that draws random choices (seeded in the simulator)
 * @param random key material and message IDs (seeded in the simulator, so runs repeat)
 * @param network makes the node's network endpoint on its loop (null for a test harness that opens
 *                single layers over links of its own, and assembles no node)
 * @param storage the way into the node's database; unused by an overlay-only node (may be null then)
 * @param contentKey the key that seals stored content; unused by an overlay-only node
 * @param verifier where inbound envelopes are checked before the messenger acts on them
 * @param postVerifier where incoming group posts are parsed and their signatures checked
 * @param records checks peer records; the simulator's nodes share one (null: one of the node's own)
 * @param overlayBundle the prekey bundle an overlay-only node announces (a whole node announces its messenger's)
 * @param gossipHost wraps the gossip host the router sends through: identity for an honest node
 * @param gossipFrames puts itself between the links and gossip: identity for a plain node; the
 *                     simulator counts there every copy of a message a node receives
 * @param dhtFrames puts itself between the links and the DHT: {@link DhtFrames#HONEST} passes frames through
 * @param mailboxClock the clock the mailbox judges holding periods by: the node's own, unless a test
 *                     sets the mailbox's alone off (a replica whose clock runs ahead while its links still work)
 */
public record NodeEnvironment(Identity identity, Scheduler scheduler, Clock clock, Supplier<Rng> rngs,
                              SecureRandom random, Function<Scheduler, Network> network, StorageQueue storage,
                              byte[] contentKey, EnvelopeVerifier verifier, PostVerifier postVerifier,
                              RecordVerifier records, Supplier<PrekeyBundle> overlayBundle, UnaryOperator<GossipHost> gossipHost,
                              UnaryOperator<FrameHandler> gossipFrames, DhtFrames dhtFrames, Clock mailboxClock) {
    public NodeEnvironment {
        Objects.requireNonNull(identity);
        Objects.requireNonNull(scheduler);
        Objects.requireNonNull(clock);
        Objects.requireNonNull(rngs);
        Objects.requireNonNull(random);
        Objects.requireNonNull(verifier);
        Objects.requireNonNull(postVerifier);
        Objects.requireNonNull(gossipHost);
        Objects.requireNonNull(gossipFrames);
        Objects.requireNonNull(dhtFrames);
        Objects.requireNonNull(mailboxClock);
    }

    /** What the links hand DHT frames to: the DHT itself, or a scenario's wrapper of it (a lying node). */
    @FunctionalInterface
    public interface DhtFrames {
        DhtFrames HONEST = (dht, links, discovery) -> dht;

        /** The owner of DHT frames; it must take the DHT's {@link FrameHandler#frameTypes()}. */
        FrameHandler wrap(DhtService dht, LinkManager links, Discovery discovery);
    }

    public static Builder builder(Identity identity, Scheduler scheduler, Clock clock) {
        return new Builder(identity, scheduler, clock);
    }

    /** Builds an environment; what is not set is absent or honest. */
    public static final class Builder {
        private final Identity identity;
        private final Scheduler scheduler;
        private final Clock clock;
        private Supplier<Rng> rngs;
        private SecureRandom random;
        private Function<Scheduler, Network> network;
        private StorageQueue storage;
        private byte[] contentKey;
        private EnvelopeVerifier verifier = EnvelopeVerifier.INLINE;
        private PostVerifier postVerifier = PostVerifier.INLINE;
        private RecordVerifier records;
        private Supplier<PrekeyBundle> overlayBundle;
        private UnaryOperator<GossipHost> gossipHost = UnaryOperator.identity();
        private UnaryOperator<FrameHandler> gossipFrames = UnaryOperator.identity();
        private DhtFrames dhtFrames = DhtFrames.HONEST;
        private Clock mailboxClock;

        private Builder(Identity identity, Scheduler scheduler, Clock clock) {
            this.identity = identity;
            this.scheduler = scheduler;
            this.clock = clock;
        }

        public Builder randomness(Supplier<Rng> rngs, SecureRandom random) {
            this.rngs = rngs;
            this.random = random;
            return this;
        }

        public Builder network(Function<Scheduler, Network> factory) {
            this.network = factory;
            return this;
        }

        public Builder storage(StorageQueue queue, byte[] key) {
            this.storage = queue;
            this.contentKey = key;
            return this;
        }

        public Builder verifier(EnvelopeVerifier value) {
            this.verifier = value;
            return this;
        }

        public Builder postVerifier(PostVerifier value) {
            this.postVerifier = value;
            return this;
        }

        public Builder records(RecordVerifier value) {
            this.records = value;
            return this;
        }

        public Builder overlayBundle(Supplier<PrekeyBundle> value) {
            this.overlayBundle = value;
            return this;
        }

        public Builder gossipHost(UnaryOperator<GossipHost> value) {
            this.gossipHost = value;
            return this;
        }

        public Builder gossipFrames(UnaryOperator<FrameHandler> value) {
            this.gossipFrames = value;
            return this;
        }

        public Builder dhtFrames(DhtFrames value) {
            this.dhtFrames = value;
            return this;
        }

        public Builder mailboxClock(Clock value) {
            this.mailboxClock = value;
            return this;
        }

        public NodeEnvironment build() {
            return new NodeEnvironment(identity, scheduler, clock, rngs, random, network, storage, contentKey,
                    verifier, postVerifier, records, overlayBundle, gossipHost, gossipFrames, dhtFrames,
                    mailboxClock != null ? mailboxClock : clock);
        }
    }
}
