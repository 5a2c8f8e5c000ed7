package org.parley.api;

import java.util.List;
import java.util.Map;

/**
 * What a node is doing for its user and for others, as scripts see it ({@code parley status --json}).
 *
 * @param links verified links up now
 * @param outbox outgoing messages not yet confirmed delivered
 * @param relayed of those, messages mailbox replicas hold for peers who are away
 * @param bytesStoredByOthers bytes of our relayed envelopes, counted once per replica holding them
 * @param bytesStoredForOthers bytes of other peers' envelopes this node holds as a replica
 * @param envelopesStoredForOthers how many envelopes that is
 * @param relays contacts holding our mail as relays (named in our peer record)
 * @param relayingFor contacts we offered to relay for, and whether each accepted
 * @param reachability "public", "private" or "unknown": whether peers could dial this node back
 * @param observedAddresses where peers saw this node (its IP as it reached them, and its listen port)
 * @param portMapping the mapping the router holds for this node; null when it holds none
 */
public record StatusView(String peerId, int links, int outbox, int relayed, long bytesStoredByOthers,
                         long bytesStoredForOthers, int envelopesStoredForOthers, List<String> relays,
                         Map<String, Boolean> relayingFor, String reachability,
                         List<String> observedAddresses, PortMappingView portMapping) {
}
