package org.parley.files;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.parley.identity.PeerId;

/**
 * Decides which chunk of one download to ask of which holder (sans-I/O: told what holders have,
 * what arrived and the time; answers with requests). Each holder has at most {@code window}
 * requests outstanding; the chunks asked for first are the rarest among the holders (fewest hold
 * them; lowest index among equals), so a holder that may leave takes its unique chunks with it
 * least often; holders are served round-robin, so several fill the download at once. A holder
 * that sent a bad chunk is excluded for the rest of the download; a request unanswered in time
 * goes back to the pool.
 */
public final class ChunkScheduler {
    private final int chunkCount;
    private final BitSet held;
    private final int window;
    private final long timeoutMillis;
    private final Map<PeerId, BitSet> holders = new LinkedHashMap<>();
    private final Set<PeerId> excluded = new HashSet<>();
    /** Chunk index to the request for it. */
    private final Map<Integer, Request> inFlight = new HashMap<>();

    public record Request(PeerId holder, int index, long sentAtMillis) {
    }

    public ChunkScheduler(int chunkCount, BitSet held, int window, long timeoutMillis) {
        this.chunkCount = chunkCount;
        this.held = (BitSet) held.clone();
        this.window = window;
        this.timeoutMillis = timeoutMillis;
    }

    /** What {@code holder} says it holds (replacing what it said before); ignored for an excluded holder. */
    public void holderHas(PeerId holder, BitSet chunks) {
        if (!excluded.contains(holder)) {
            BitSet copy = (BitSet) chunks.clone();
            if (copy.length() > chunkCount) {
                copy.clear(chunkCount, copy.length());
            }
            holders.put(holder, copy);
        }
    }

    /** The holder left (its link went down): its requests go back to the pool. */
    public void holderGone(PeerId holder) {
        holders.remove(holder);
        inFlight.values().removeIf(request -> request.holder().equals(holder));
    }

    /** The holder sent a chunk that failed its proof: never asked again for this download. */
    public void exclude(PeerId holder) {
        holderGone(holder);
        excluded.add(holder);
    }

    public boolean isExcluded(PeerId holder) {
        return excluded.contains(holder);
    }

    public boolean knowsHolder(PeerId holder) {
        return holders.containsKey(holder);
    }

    /** Whether {@code index} was asked of {@code holder} and not yet answered. */
    public boolean awaiting(PeerId holder, int index) {
        Request request = inFlight.get(index);
        return request != null && request.holder().equals(holder);
    }

    /** Chunk {@code index} arrived and checked out. */
    public void received(int index) {
        held.set(index);
        inFlight.remove(index);
    }

    /** Chunk {@code index}, counted as held, is not after all (it failed its check after a restart): fetched again. */
    public void lost(int index) {
        held.clear(index);
    }

    /** The request for {@code index} came to nothing (the holder had it not, or the link was full). */
    public void failed(PeerId holder, int index) {
        if (awaiting(holder, index)) {
            inFlight.remove(index);
        }
        BitSet has = holders.get(holder);
        if (has != null) {
            has.clear(index);
        }
    }

    /** Requests older than the timeout go back to the pool; returns them. */
    public List<Request> expire(long nowMillis) {
        List<Request> expired = new ArrayList<>();
        for (Iterator<Request> it = inFlight.values().iterator(); it.hasNext(); ) {
            Request request = it.next();
            if (nowMillis - request.sentAtMillis() >= timeoutMillis) {
                expired.add(request);
                it.remove();
            }
        }
        return expired;
    }

    /** The next requests to send, already counted as in flight. */
    public List<Request> next(long nowMillis) {
        int[] rarity = new int[chunkCount];
        for (BitSet has : holders.values()) {
            for (int i = has.nextSetBit(0); i >= 0; i = has.nextSetBit(i + 1)) {
                rarity[i]++;
            }
        }
        Map<PeerId, Integer> outstanding = new HashMap<>();
        for (Request request : inFlight.values()) {
            outstanding.merge(request.holder(), 1, Integer::sum);
        }
        List<Request> requests = new ArrayList<>();
        boolean progress = true;
        while (progress) {
            progress = false;
            for (Map.Entry<PeerId, BitSet> holder : holders.entrySet()) {
                if (outstanding.getOrDefault(holder.getKey(), 0) >= window) {
                    continue;
                }
                int chosen = rarest(holder.getValue(), rarity);
                if (chosen < 0) {
                    continue;
                }
                Request request = new Request(holder.getKey(), chosen, nowMillis);
                inFlight.put(chosen, request);
                outstanding.merge(holder.getKey(), 1, Integer::sum);
                requests.add(request);
                progress = true;
            }
        }
        return requests;
    }

    private int rarest(BitSet has, int[] rarity) {
        int best = -1;
        for (int i = has.nextSetBit(0); i >= 0 && i < chunkCount; i = has.nextSetBit(i + 1)) {
            if (!held.get(i) && !inFlight.containsKey(i) && (best < 0 || rarity[i] < rarity[best])) {
                best = i;
            }
        }
        return best;
    }

    public boolean complete() {
        return held.cardinality() == chunkCount;
    }

    public int heldCount() {
        return held.cardinality();
    }

    public BitSet held() {
        return (BitSet) held.clone();
    }

    public boolean hasHolders() {
        return !holders.isEmpty();
    }

    public int inFlightCount() {
        return inFlight.size();
    }
}
