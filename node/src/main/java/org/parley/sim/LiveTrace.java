package org.parley.sim;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.parley.identity.PeerId;
import org.parley.link.LinkEvents;
import org.parley.link.PeerInfo;
import org.parley.messaging.MessageRecord;
import org.parley.messaging.MessagingEvents;
import org.parley.overlay.record.PeerRecord;

/**
 * Why a live message missed its window: for each live message, what happened between its two
 * ends on the virtual clock, from the recipient's hello on (links between them up and down, the
 * hello's and the live message's states, the
 * sender's copy of the recipient's record every two seconds when it changed), and, for the ones
 * missed, a last look at both ends (their NATs, the recipient's own record and relay links, the
 * sender's copy of it). Only the missed ones are reported, so a run that delivers all says nothing.
 */
final class LiveTrace {
    private static final Duration SAMPLE_EVERY = Duration.ofSeconds(2);

    private final WholeNodeNetwork network;
    private final NatPlan plan;
    private final Map<PeerId, Integer> indexOf = new HashMap<>();
    /** Per (sender, recipient): its message's text and timeline. */
    private final Map<List<Integer>, Pair> pairs = new LinkedHashMap<>();
    private long startMillis;

    private static final class Pair {
        /** The recipient's hello to the sender (sent when they became contacts) and the live message. */
        final String hello;
        final String live;
        /** Virtual time and what happened, in order. */
        final List<Map.Entry<Long, String>> events = new ArrayList<>();
        String lastSample = "";

        Pair(String hello, String live) {
            this.hello = hello;
            this.live = live;
        }
    }

    LiveTrace(WholeNodeNetwork network, NatPlan plan) {
        this.network = network;
        this.plan = plan;
    }

    /** Follows every incarnation's links and messages (call from the network's incarnation watcher). */
    void watch(int index, SimNode node) {
        node.links.addListener(new LinkEvents() {
            @Override
            public void peerConnected(PeerInfo peer) {
                linkEvent(index, peer.peerId(), "link up (" + peer.direction() + ", " + peer.path()
                        + peer.relay().map(relay -> " via node " + indexOf.get(relay)).orElse("") + ")");
            }

            @Override
            public void peerDisconnected(PeerId peer) {
                linkEvent(index, peer, "link down");
            }
        });
        node.node.messenger().addListener(new MessagingEvents() {
            @Override
            public void messageAdded(MessageRecord message) {
                messageEvent(index, message, "added");
            }

            @Override
            public void messageUpdated(MessageRecord message) {
                messageEvent(index, message, "updated");
            }
        });
    }

    /**
     * The pairs have just become contacts and the recipients are about to write their hellos: from
     * now on each pair's events are kept ({@code texts}: the hello and the live message's text).
     */
    void start(Map<List<Integer>, List<String>> texts) {
        for (int i = 0; i < network.size(); i++) {
            indexOf.put(network.id(i), i);
        }
        texts.forEach((pair, text) -> pairs.put(pair, new Pair(text.get(0), text.get(1))));
    }

    /** The live messages are about to be sent: times are told from now. */
    void liveSent() {
        startMillis = network.clock.nowMillis();
        sample();
    }

    /** Each sender's copy of its recipient's record and link, kept when it changed. */
    void sample() {
        pairs.forEach((pair, trace) -> {
            SimNode sender = network.node(pair.get(0));
            PeerId recipient = network.id(pair.get(1));
            String now = "sender holds " + describe(sender.discovery.recordOf(recipient))
                    + (sender.links.isConnected(recipient) ? ", linked" : ", not linked")
                    + ", sender links " + sender.links.linkCount() + "; recipient's relays seen by the sender: "
                    + relaysSeen(sender, network.node(pair.get(1)));
            if (!now.equals(trace.lastSample)) {
                trace.lastSample = now;
                add(trace, now);
            }
        });
    }

    /** Schedules {@link #sample} every two seconds for {@code window}. */
    void sampleFor(Duration window) {
        for (long t = SAMPLE_EVERY.toMillis(); t < window.toMillis(); t += SAMPLE_EVERY.toMillis()) {
            network.clock.schedule(Duration.ofMillis(t), this::sample);
        }
    }

    /** The timeline and a last look at both ends of a missed message, one line each. */
    List<String> explain(int sender, int recipient) {
        Pair trace = pairs.get(List.of(sender, recipient));
        List<String> lines = new ArrayList<>();
        SimNode to = network.node(recipient);
        PeerRecord own = to.discovery.ownRecord();
        lines.add("node " + sender + " (" + plan.natOf(sender) + ") to node " + recipient + " (" + plan.natOf(recipient)
                + "): recipient's own record " + describe(Optional.of(own)) + ", its links to those relays "
                + own.linkRelays().stream().map(relay -> indexOf.get(relay) + "=" + to.links.isConnected(relay))
                        .collect(Collectors.joining(" ")) + ", recipient links " + to.links.linkCount());
        for (Map.Entry<Long, String> event : trace.events) {
            lines.add(String.format(java.util.Locale.ROOT, "  %+7d ms %s", event.getKey() - startMillis,
                    event.getValue()));
        }
        return lines;
    }

    /**
     * For each relay the recipient's own record names: whether the sender is linked to it and holds
     * a record with its address, which is what it needs to dial a circuit there.
     */
    private String relaysSeen(SimNode sender, SimNode recipient) {
        return recipient.discovery.ownRecord().linkRelays().stream()
                .map(relay -> indexOf.get(relay) + (sender.links.isConnected(relay) ? " linked" : " not linked")
                        + sender.discovery.recordOf(relay).map(record -> record.addresses().isEmpty()
                                ? " record without address" : " record").orElse(" no record"))
                .collect(Collectors.joining(", ", "[", "]"));
    }

    private void linkEvent(int index, PeerId peer, String what) {
        Integer other = indexOf.get(peer);
        if (other == null || pairs.isEmpty()) {
            return;
        }
        Pair asSender = pairs.get(List.of(index, other));
        if (asSender != null) {
            add(asSender, "sender: " + what);
        }
        Pair asRecipient = pairs.get(List.of(other, index));
        if (asRecipient != null) {
            add(asRecipient, "recipient: " + what);
        }
    }

    private void messageEvent(int index, MessageRecord message, String what) {
        Integer other = indexOf.get(message.peer());
        if (other == null) {
            return;
        }
        for (List<Integer> key : List.of(List.of(index, other), List.of(other, index))) {
            Pair trace = pairs.get(key);
            if (trace != null && (trace.live.equals(message.text()) || trace.hello.equals(message.text()))) {
                add(trace, (key.get(0).equals(index) ? "sender: " : "recipient: ")
                        + (trace.live.equals(message.text()) ? "live message " : "hello ") + message.direction() + " "
                        + what + " " + message.state() + (message.reason() == null ? "" : " (" + message.reason() + ")")
                        + (message.replicas() > 0 ? ", " + message.replicas() + " replicas" : ""));
            }
        }
    }

    private void add(Pair trace, String line) {
        trace.events.add(Map.entry(network.clock.nowMillis(), line));
    }

    private String describe(Optional<PeerRecord> record) {
        return record.map(r -> "record seq " + r.sequence() + " addresses " + r.addresses() + " relays "
                + r.linkRelays().stream().map(relay -> String.valueOf(indexOf.get(relay)))
                        .collect(Collectors.joining(",", "[", "]"))).orElse("no record");
    }
}
