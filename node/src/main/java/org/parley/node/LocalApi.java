package org.parley.node;

import java.util.List;
import org.parley.api.ApiException;
import org.parley.api.IdentityView;
import org.parley.api.ParleyApi;
import org.parley.api.PeerView;
import org.parley.identity.Fingerprint;
import org.parley.identity.Identity;
import org.parley.link.HostPort;
import org.parley.link.LinkManager;
import org.parley.runtime.Scheduler;

/** The {@link ParleyApi} of a node in this process: every call hops onto the node's loop. */
final class LocalApi implements ParleyApi {
    private final Identity identity;
    private final Scheduler loop;
    private final LinkManager links;

    LocalApi(Identity identity, Scheduler loop, LinkManager links) {
        this.identity = identity;
        this.loop = loop;
        this.links = links;
    }

    @Override
    public IdentityView identity() throws ApiException {
        List<String> addresses = LoopCalls.call(loop,
                () -> links.listenAddresses().stream().map(HostPort::toString).toList());
        return new IdentityView(identity.peerId().toString(), identity.name(),
                Fingerprint.of(identity.peerId()), addresses);
    }

    @Override
    public List<PeerView> peers() throws ApiException {
        return LoopCalls.call(loop, () -> links.connectedPeers().stream()
                .map(peer -> new PeerView(peer.peerId().toString(), peer.address(), peer.direction().label(),
                        peer.connectedAtMillis(), peer.agent()))
                .toList());
    }
}
