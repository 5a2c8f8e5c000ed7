package org.parley.link;

import java.util.Optional;
import org.parley.identity.PeerId;

/** What every {@link Link} knows from the moment it exists: who, which way, and from where. */
public abstract class AbstractLink implements Link {
    private final PeerId remotePeer;
    private final Direction direction;
    private final String remoteAddress;
    private final Optional<DialTarget> dialTarget;

    protected AbstractLink(PeerId remotePeer, Direction direction, String remoteAddress,
                           Optional<DialTarget> dialTarget) {
        this.remotePeer = remotePeer;
        this.direction = direction;
        this.remoteAddress = remoteAddress;
        this.dialTarget = dialTarget;
    }

    @Override
    public final PeerId remotePeer() {
        return remotePeer;
    }

    @Override
    public final Direction direction() {
        return direction;
    }

    @Override
    public final String remoteAddress() {
        return remoteAddress;
    }

    @Override
    public final Optional<DialTarget> dialTarget() {
        return dialTarget;
    }

    @Override
    public String toString() {
        return direction.label() + " link to " + remotePeer.shortForm() + " at " + remoteAddress;
    }
}
