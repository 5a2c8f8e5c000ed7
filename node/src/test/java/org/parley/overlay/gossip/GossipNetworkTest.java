package org.parley.overlay.gossip;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Two hundred routers on a random graph of mean degree 8, all subscribed to one topic, on a
 * virtual clock with seeded randomness: every run is the same run.
 */
class GossipNetworkTest {
    private static final String TOPIC = "group/test";
    private static final int NODES = 200;
    private static final int MESSAGES = 50;

    @Test
    void everySubscriberGetsEveryMessageOnceWithFewDuplicates() {
        Outcome outcome = run(0.0);
        System.out.printf("gossip, no loss: %d of %d deliveries, %.3f receptions per delivery, %.1f frames per delivery%n",
                outcome.deliveries, outcome.expected, outcome.receptionsPerDelivery(), outcome.framesPerDelivery());
        assertEquals(outcome.expected, outcome.deliveries);
        assertEquals(0, outcome.duplicateDeliveries, "a message reached some application twice");
        assertTrue(outcome.receptionsPerDelivery() <= 2.0,
                "receptions per delivery " + outcome.receptionsPerDelivery());
    }

    @Test
    void lazyRepairDeliversDespiteFivePercentFrameLoss() {
        Outcome outcome = run(0.05);
        System.out.printf("gossip, 5%% loss: %d of %d deliveries, %.3f receptions per delivery, %.1f frames per delivery%n",
                outcome.deliveries, outcome.expected, outcome.receptionsPerDelivery(), outcome.framesPerDelivery());
        assertTrue(outcome.deliveries >= 0.999 * outcome.expected, outcome.deliveries + " of " + outcome.expected);
        assertEquals(0, outcome.duplicateDeliveries, "a message reached some application twice");
        assertTrue(outcome.receptionsPerDelivery() <= 2.0,
                "receptions per delivery " + outcome.receptionsPerDelivery());
    }

    private static Outcome run(double lossRate) {
        GossipNetwork network = new GossipNetwork(42, NODES, GossipConfig.defaults(), lossRate);
        network.wireRandomGraph(3);
        for (GossipNetwork.Node node : network.nodes()) {
            node.router.subscribe(TOPIC);
            node.router.start();
        }
        network.loop.advance(Duration.ofSeconds(5));

        List<GossipId> published = new ArrayList<>();
        List<GossipNetwork.Node> publishers = new ArrayList<>();
        for (int i = 0; i < MESSAGES; i++) {
            GossipNetwork.Node publisher = network.randomNode();
            byte[] payload = ("message " + i).getBytes(StandardCharsets.UTF_8);
            published.add(publisher.router.publish(TOPIC, payload));
            publishers.add(publisher);
            network.loop.advance(Duration.ofMillis(200));
        }
        network.loop.advance(Duration.ofSeconds(30));

        long deliveries = 0;
        long duplicates = 0;
        for (int i = 0; i < MESSAGES; i++) {
            for (GossipNetwork.Node node : network.nodes()) {
                int times = node.deliveries.getOrDefault(published.get(i), 0);
                if (node == publishers.get(i)) {
                    duplicates += times;
                } else {
                    deliveries += Math.min(times, 1);
                    duplicates += Math.max(0, times - 1);
                }
            }
        }
        return new Outcome((long) MESSAGES * (NODES - 1), deliveries, duplicates, network.publishArrivals(),
                network.framesSent());
    }

    private record Outcome(long expected, long deliveries, long duplicateDeliveries, long receptions, long frames) {
        double receptionsPerDelivery() {
            return (double) receptions / deliveries;
        }

        double framesPerDelivery() {
            return (double) frames / deliveries;
        }
    }
}
