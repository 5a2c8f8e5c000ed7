package org.parley.sim;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.parley.identity.PeerId;

/**
 * The links between honest nodes alone, as an attack left them: how many honest nodes have no
 * honest link, and how many the largest group of honest nodes joined by honest links holds. No
 * message crosses from one such group to another once the Sybils drop, so delivery to honest
 * subscribers is bounded by these (decision 0058), whatever the gossip does.
 *
 * @param withoutHonestLink honest nodes none of whose links goes to an honest node
 * @param largestComponent honest nodes in the largest group joined by honest links
 */
record HonestLinkGraph(int withoutHonestLink, int largestComponent) {

    /** {@code links}: each honest node's linked peers (Sybils among them, left out here). A link counts if either end holds it. */
    static HonestLinkGraph of(Map<PeerId, List<PeerId>> links) {
        Map<PeerId, Set<PeerId>> honest = new HashMap<>();
        links.keySet().forEach(node -> honest.put(node, new HashSet<>()));
        links.forEach((node, peers) -> {
            for (PeerId peer : peers) {
                if (honest.containsKey(peer) && !peer.equals(node)) {
                    honest.get(node).add(peer);
                    honest.get(peer).add(node);
                }
            }
        });
        int alone = (int) honest.values().stream().filter(Set::isEmpty).count();
        int largest = 0;
        Set<PeerId> reached = new HashSet<>();
        for (PeerId start : links.keySet()) {
            if (reached.add(start)) {
                largest = Math.max(largest, componentSize(start, honest, reached));
            }
        }
        return new HonestLinkGraph(alone, largest);
    }

    private static int componentSize(PeerId start, Map<PeerId, Set<PeerId>> honest, Set<PeerId> reached) {
        int size = 0;
        Deque<PeerId> next = new ArrayDeque<>(List.of(start));
        while (!next.isEmpty()) {
            PeerId node = next.poll();
            size++;
            for (PeerId peer : new ArrayList<>(honest.get(node))) {
                if (reached.add(peer)) {
                    next.add(peer);
                }
            }
        }
        return size;
    }
}
