package org.parley.messaging;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.parley.identity.PeerId;

/**
 * The quota of message requests (messages from peers who are not contacts), which anyone can
 * send from identities that cost nothing. Per stranger: at most {@link RequestLimits#perStranger}
 * messages and {@link RequestLimits#bytesPerStranger} bytes; later ones are refused, so a stranger's
 * first messages (its introduction) stay as they were. In all: at most
 * {@link RequestLimits#inAll} messages and {@link RequestLimits#bytesInAll} bytes; a new request
 * makes room by dropping the oldest ones, so a flood must go on to keep a genuine request out and
 * one that arrives after it is kept, where refusing new ones would let a single burst shut out
 * every later first contact until the user cleared the list. Plain data, confined to the loop;
 * the rows it names are changed in the same transaction as the message they make room for.
 */
final class MessageRequests {
    /** One stored request, in arrival order. */
    private record Request(MessageId id, PeerId peer, long bytes) {
    }

    /** What to do with a new request: refuse it, or store it and drop {@code dropped}. */
    record Admission(boolean refused, List<MessageId> dropped) {
        static final Admission REFUSED = new Admission(true, List.of());
    }

    private RequestLimits limits;
    private final LinkedHashMap<MessageId, Request> stored = new LinkedHashMap<>();
    private final Map<PeerId, long[]> perStranger = new HashMap<>();
    private long totalBytes;

    MessageRequests(RequestLimits limits) {
        this.limits = limits;
    }

    void limitTo(RequestLimits newLimits) {
        this.limits = newLimits;
    }

    /** A request loaded from storage, oldest first. */
    void restore(MessageId id, PeerId peer, long bytes) {
        add(new Request(id, peer, bytes));
    }

    /** Whether a request of {@code bytes} from {@code peer} is taken, and which older ones go for it. */
    Admission admit(PeerId peer, long bytes) {
        long[] theirs = perStranger.getOrDefault(peer, new long[2]);
        if (theirs[0] + 1 > limits.perStranger() || theirs[1] + bytes > limits.bytesPerStranger()) {
            return Admission.REFUSED;
        }
        List<MessageId> dropped = new ArrayList<>();
        int count = stored.size();
        long total = totalBytes;
        Iterator<Request> oldest = stored.values().iterator();
        while ((count + 1 > limits.inAll() || total + bytes > limits.bytesInAll()) && oldest.hasNext()) {
            Request going = oldest.next();
            dropped.add(going.id());
            count--;
            total -= going.bytes();
        }
        return new Admission(false, dropped);
    }

    /** The admitted request and the drops it made are committed. */
    void stored(MessageId id, PeerId peer, long bytes, List<MessageId> dropped) {
        dropped.forEach(this::remove);
        add(new Request(id, peer, bytes));
    }

    /** The user accepted {@code peer} as a contact: its requests are ordinary messages now. */
    void accepted(PeerId peer) {
        stored.values().removeIf(request -> {
            if (request.peer().equals(peer)) {
                totalBytes -= request.bytes();
                return true;
            }
            return false;
        });
        perStranger.remove(peer);
    }

    private void add(Request request) {
        if (stored.putIfAbsent(request.id(), request) != null) {
            return;
        }
        long[] theirs = perStranger.computeIfAbsent(request.peer(), key -> new long[2]);
        theirs[0]++;
        theirs[1] += request.bytes();
        totalBytes += request.bytes();
    }

    private void remove(MessageId id) {
        Request request = stored.remove(id);
        if (request == null) {
            return;
        }
        totalBytes -= request.bytes();
        long[] theirs = perStranger.get(request.peer());
        theirs[0]--;
        theirs[1] -= request.bytes();
        if (theirs[0] == 0) {
            perStranger.remove(request.peer());
        }
    }
}
