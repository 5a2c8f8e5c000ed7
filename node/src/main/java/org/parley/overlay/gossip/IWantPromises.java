package org.parley.overlay.gossip;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.parley.identity.PeerId;

/**
 * Messages we asked for with IWant, each from the one neighbour whose IHave promised it. A message
 * is asked from one peer at a time, so an honest mesh rarely fetches it twice. Past the deadline
 * the next IHave, from whomever, asks again, since a frame may have been lost; a request still
 * unanswered when the heartbeat sweeps is a broken promise and its peer is blamed. The sweep runs
 * a while after the deadline, so a merely slow peer is seldom blamed. Bounded: beyond {@code capacity} outstanding requests no more are made until some settle.
 */
final class IWantPromises {
    private final int capacity;
    private final LinkedHashMap<GossipId, Promise> outstanding = new LinkedHashMap<>();

    IWantPromises(int capacity) {
        this.capacity = capacity;
    }

    /**
     * Whether a request for {@code id} may go out now: none is outstanding, or the one that is has
     * run past its deadline; and there is room.
     */
    boolean mayRequest(GossipId id, long nowNanos) {
        Promise promise = outstanding.get(id);
        if (promise != null) {
            return promise.deadlineNanos <= nowNanos;
        }
        return outstanding.size() < capacity;
    }

    /** Records a request for {@code id} from {@code from}, replacing any earlier one for it. */
    void requested(GossipId id, PeerId from, long deadlineNanos) {
        outstanding.put(id, new Promise(from, deadlineNanos));
    }

    /** Whether a request for {@code id} is outstanding (in time or past its deadline). */
    boolean isOutstanding(GossipId id) {
        return outstanding.containsKey(id);
    }

    /** The message arrived, from whomever: nobody owes it any more. Returns whether it had been asked for. */
    boolean fulfilled(GossipId id) {
        return outstanding.remove(id) != null;
    }

    /** A neighbour left: what it owed will not come, and it cannot be blamed any more. */
    void forget(PeerId peer) {
        outstanding.values().removeIf(promise -> promise.peer.equals(peer));
    }

    /** Removes and returns the peers of the promises past their deadline, one entry per message. */
    List<PeerId> takeBroken(long nowNanos) {
        List<PeerId> broken = new ArrayList<>();
        Iterator<Map.Entry<GossipId, Promise>> entries = outstanding.entrySet().iterator();
        while (entries.hasNext()) {
            Promise promise = entries.next().getValue();
            if (promise.deadlineNanos <= nowNanos) {
                broken.add(promise.peer);
                entries.remove();
            }
        }
        return broken;
    }

    private record Promise(PeerId peer, long deadlineNanos) {
    }
}
