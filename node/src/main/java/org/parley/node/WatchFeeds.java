package org.parley.node;

import org.parley.api.EventView;
import org.parley.api.PeerView;
import org.parley.api.ReadView;
import org.parley.api.TypingView;
import org.parley.files.FileEvents;
import org.parley.groups.GroupEvents;
import org.parley.identity.PeerId;
import org.parley.link.LinkEvents;
import org.parley.link.PeerInfo;
import org.parley.messaging.MessageId;
import org.parley.messaging.MessageRecord;
import org.parley.messaging.MessagingEvents;

/**
 * Feeds a {@link WatchHub}: adapters that turn what the node's parts report (direct messages,
 * groups, links) into the API events every watcher sees.
 */
final class WatchFeeds {
    private WatchFeeds() {
    }

    /** Turns group events into API events for every watcher; a message carries the file it offered. */
    static GroupEvents groupEventsTo(WatchHub hub, FileAttachments files) {
        return new GroupEvents() {
            @Override
            public void groupMessageAdded(org.parley.groups.GroupMessageRecord message) {
                hub.publish(new EventView(EventView.GROUP, null, files.view(message)));
            }

            @Override
            public void groupMessageChanged(org.parley.groups.GroupMessageRecord message) {
                hub.publish(new EventView(EventView.GROUP_MESSAGE_CHANGED, null, files.view(message)));
            }

            @Override
            public void groupChanged(org.parley.groups.GroupRecord group) {
                hub.publish(EventView.group(Views.of(group)));
            }

            @Override
            public void groupTyping(org.parley.groups.GroupId group, PeerId member, boolean active) {
                hub.publish(EventView.typing(new TypingView(member.toString(), active, group.toString())));
            }

            @Override
            public void groupRead(org.parley.groups.GroupId group, PeerId member, String entryId, long readAtMillis) {
                hub.publish(EventView.read(new ReadView(member.toString(), entryId, readAtMillis,
                        group.toString())));
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

    /** Turns messaging events into API events for every watcher; a message carries the file it offered. */
    static MessagingEvents eventsTo(WatchHub hub, FileAttachments files) {
        return new MessagingEvents() {
            @Override
            public void messageAdded(MessageRecord message) {
                hub.publish(new EventView(EventView.MESSAGE, files.view(message)));
            }

            @Override
            public void messageUpdated(MessageRecord message) {
                hub.publish(new EventView(EventView.UPDATE, files.view(message)));
            }

            @Override
            public void messageChanged(MessageRecord message) {
                hub.publish(new EventView(EventView.MESSAGE_CHANGED, files.view(message)));
            }

            @Override
            public void readBy(PeerId peer, MessageId upTo, long readAtMillis) {
                hub.publish(EventView.read(new ReadView(peer.toString(), upTo.toString(), readAtMillis)));
            }

            @Override
            public void typing(PeerId peer, boolean active) {
                hub.publish(EventView.typing(new TypingView(peer.toString(), active)));
            }
        };
    }

    /** Turns a file's state and progress changes into API events for every watcher. */
    static FileEvents fileEventsTo(WatchHub hub) {
        return file -> hub.publish(EventView.file(FileAttachments.event(file)));
    }
}
