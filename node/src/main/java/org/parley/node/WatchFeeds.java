package org.parley.node;

import org.parley.api.EventView;
import org.parley.api.PeerView;
import org.parley.groups.GroupEvents;
import org.parley.identity.PeerId;
import org.parley.link.LinkEvents;
import org.parley.link.PeerInfo;
import org.parley.messaging.MessageRecord;
import org.parley.messaging.MessagingEvents;

/**
 * Feeds a {@link WatchHub}: adapters that turn what the node's parts report (direct messages,
 * groups, links) into the API events every watcher sees.
 */
final class WatchFeeds {
    private WatchFeeds() {
    }

    /** Turns group events into API events for every watcher. */
    static GroupEvents groupEventsTo(WatchHub hub) {
        return new GroupEvents() {
            @Override
            public void groupMessageAdded(org.parley.groups.GroupMessageRecord message) {
                hub.publish(new EventView(EventView.GROUP, null, Views.of(message)));
            }

            @Override
            public void groupMessageChanged(org.parley.groups.GroupMessageRecord message) {
                hub.publish(new EventView(EventView.GROUP_MESSAGE_CHANGED, null, Views.of(message)));
            }

            @Override
            public void groupChanged(org.parley.groups.GroupRecord group) {
                hub.publish(EventView.group(Views.of(group)));
            }
        };
    }

    /** Turns links coming up and going down into API events for every watcher. */
    static LinkEvents linkEventsTo(WatchHub hub) {
        return new LinkEvents() {
            @Override
            public void peerConnected(PeerInfo peer) {
                hub.publish(EventView.link(true, Views.of(peer)));
            }

            @Override
            public void peerDisconnected(PeerId peer) {
                hub.publish(EventView.link(false, new PeerView(peer.toString(), "", "", 0, "", "", null)));
            }
        };
    }

    /** Turns messaging events into API events for every watcher. */
    static MessagingEvents eventsTo(WatchHub hub) {
        return new MessagingEvents() {
            @Override
            public void messageAdded(MessageRecord message) {
                hub.publish(new EventView(EventView.MESSAGE, Views.of(message)));
            }

            @Override
            public void messageUpdated(MessageRecord message) {
                hub.publish(new EventView(EventView.UPDATE, Views.of(message)));
            }

            @Override
            public void messageChanged(MessageRecord message) {
                hub.publish(new EventView(EventView.MESSAGE_CHANGED, Views.of(message)));
            }
        };
    }
}
