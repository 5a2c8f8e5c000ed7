package org.parley.link;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.parley.identity.PeerId;
import org.parley.proto.wire.v1.Frame;

/** Links that record what the code under test does with them: frames sent, penalties, dials. */
public final class RecordingLinks implements LinkControl {
    public final Set<PeerId> connected = new HashSet<>();
    public final Map<PeerId, List<Frame>> sent = new HashMap<>();
    public final Map<PeerId, Double> penalties = new HashMap<>();
    public final List<DialTarget> dialed = new ArrayList<>();

    @Override
    public List<PeerId> linkedPeers() {
        return List.copyOf(connected);
    }

    @Override
    public void dialOnce(DialTarget target) {
        dialed.add(target);
    }

    @Override
    public boolean disconnect(PeerId peer, String reason) {
        return connected.remove(peer);
    }

    @Override
    public boolean send(PeerId peer, Frame frame) {
        if (!connected.contains(peer)) {
            return false;
        }
        sent.computeIfAbsent(peer, p -> new ArrayList<>()).add(frame);
        return true;
    }

    @Override
    public boolean isConnected(PeerId peer) {
        return connected.contains(peer);
    }

    @Override
    public void penalize(PeerId peer, double points, String reason) {
        penalties.merge(peer, points, Double::sum);
    }

    /** Frames sent to {@code peer} so far, then forgets them. */
    public List<Frame> takeSent(PeerId peer) {
        List<Frame> frames = sent.remove(peer);
        return frames == null ? List.of() : frames;
    }
}
