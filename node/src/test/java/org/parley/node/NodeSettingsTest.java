package org.parley.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.parley.link.HostPort;
import org.parley.overlay.discovery.DiscoveryConfig;

/** Settings change field by field: the builder and the {@code with} helpers touch only what they name. */
class NodeSettingsTest {
    private final NodeSettings defaults = NodeSettings.defaults("test");

    @Test
    void aBuilderChangesWhatItIsToldAndKeepsTheRest() {
        List<HostPort> announce = List.of(new HostPort("10.0.0.1", 7000));
        DiscoveryConfig discovery = DiscoveryConfig.defaults().withTargetLinks(3);
        NodeSettings changed = defaults.toBuilder().announce(announce).discovery(discovery).agent("other")
                .firstPublication(Duration.ofSeconds(5)).layers(NodeSettings.Layers.OVERLAY).build();
        assertEquals(new NodeSettings(NodeSettings.Layers.OVERLAY, defaults.links(), discovery, defaults.dht(),
                defaults.gossip(), defaults.messaging(), defaults.mailbox(), defaults.bootstrap(), announce, "other",
                Duration.ofSeconds(5), defaults.relay(), defaults.stampBits()), changed);
        assertEquals(NodeSettings.defaults("test"), defaults, "the original stays as it was");
    }

    @Test
    void eachWithHelperIsTheBuilderWithOneField() {
        List<HostPort> announce = List.of(new HostPort("10.0.0.2", 7001));
        assertEquals(defaults.toBuilder().announce(announce).build(), defaults.withAnnounce(announce));
        assertEquals(defaults.toBuilder().layers(NodeSettings.Layers.OVERLAY).build(),
                defaults.withLayers(NodeSettings.Layers.OVERLAY));
        assertEquals(defaults, defaults.toBuilder().build());
    }

    @Test
    void listsAreCopiedSoALaterChangeToTheCallersListChangesNothing() {
        List<HostPort> announce = new ArrayList<>(List.of(new HostPort("10.0.0.3", 7002)));
        NodeSettings settings = defaults.toBuilder().announce(announce).build();
        announce.clear();
        assertEquals(1, settings.announce().size());
        assertThrows(UnsupportedOperationException.class, () -> settings.announce().clear());
    }
}
