package org.parley.overlay.dht;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import org.parley.identity.Identity;
import org.parley.link.EmbeddedLinks;
import org.parley.messaging.PrekeyBundles;
import org.parley.overlay.discovery.Discovery;
import org.parley.overlay.discovery.DiscoveryConfig;
import org.parley.overlay.record.PeerRecord;
import org.parley.runtime.SeededRng;
import org.parley.runtime.VirtualScheduler;

/** One node's DHT parts on a virtual loop and recording links, for tests of each part alone. */
final class DhtFixture {
    static final SecureRandom RANDOM = new SecureRandom();

    final VirtualScheduler loop = new VirtualScheduler(1_700_000_000_000L);
    final EmbeddedLinks links = new EmbeddedLinks();
    final Identity self = Identity.generate("self", RANDOM);
    final DhtConfig config;
    final Discovery discovery;
    final DhtKnowledge known;
    private int nextNetwork;

    DhtFixture(DhtConfig config) {
        this.config = config;
        this.discovery = new Discovery(self, links, loop, loop, new SeededRng(1), DiscoveryConfig.defaults(),
                () -> List.of("10.0.0.1:7000"), () -> PrekeyBundles.throwaway(self, RANDOM, loop.nowMillis()));
        this.known = new DhtKnowledge(self.peerId(), loop, loop, config, discovery, links::remoteAddressOf);
    }

    /** A DHT configuration with k (and bucket size) {@code k} and α {@code alpha}, other limits as by default. */
    static DhtConfig with(int k, int alpha) {
        DhtConfig defaults = DhtConfig.defaults();
        RoutingTableConfig table = defaults.table();
        return new DhtConfig(new RoutingTableConfig(k, table.replacementsPerBucket(), table.maxPerPrefixPerBucket(),
                table.maxPerPrefixInTable()), new LookupConfig(k, alpha,
                defaults.lookup().maxQueries()), defaults.queryStall(), defaults.queryTimeout(), defaults.dialTimeout(),
                defaults.lookupDeadline(), defaults.maxPendingDials(), defaults.storeCapacity(),
                defaults.republishInterval(), defaults.publishRetry());
    }

    /** A record of {@code identity} at an address in a network block of its own. */
    PeerRecord record(Identity identity, long sequence) {
        int network = ++nextNetwork;
        return PeerRecord.create(identity, List.of("10." + (network / 250) + "." + (network % 250) + ".1:7000"),
                sequence, loop.nowMillis(), Duration.ofHours(1).toMillis(),
                PrekeyBundles.throwaway(identity, RANDOM, loop.nowMillis()));
    }

    PeerRecord newPeer(String name) {
        return record(Identity.generate(name, RANDOM), 1);
    }
}
