package org.parley.mailbox;

import java.util.List;

/** Where group posts fetched from replicas go: the group layer, which checks them as it checks gossip's. */
@FunctionalInterface
public interface GroupPostSink {
    /** Posts held for {@code topic}, in the order the replica took them; their shape and signature are checked. */
    void take(String topic, List<byte[]> posts);
}
