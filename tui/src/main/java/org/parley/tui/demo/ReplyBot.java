package org.parley.tui.demo;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.parley.api.ApiException;
import org.parley.api.EventView;
import org.parley.api.ParleyApi;

/**
 * A demo peer that answers every direct message it receives with a short, friendly echo, so a
 * new user sees their message delivered and a reply arrive. In groups it answers the user's posts
 * only: bots answering each other there would never stop. Replies go out from the bot's own
 * thread: events arrive on the node's loop, which must never wait for the node.
 */
final class ReplyBot implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(ReplyBot.class.getName());
    private static final int QUOTED_CHARS = 200;

    private final String name;
    private final ParleyApi api;
    private final String userId;
    private final ExecutorService replies;
    private final ParleyApi.Subscription events;

    ReplyBot(String name, ParleyApi api, String userId) throws ApiException {
        this.name = name;
        this.api = api;
        this.userId = userId;
        this.replies = Executors.newSingleThreadExecutor(runnable -> {
            Thread thread = new Thread(runnable, "parley-demo-" + name);
            thread.setDaemon(true);
            return thread;
        });
        this.events = api.watch(this::onEvent);
    }

    /** The answer to a message: what it said, quoted and shortened. */
    static String replyTo(String botName, String text) {
        String oneLine = text.replace('\n', ' ').strip();
        String quoted = oneLine.length() <= QUOTED_CHARS ? oneLine : oneLine.substring(0, QUOTED_CHARS) + "…";
        return botName + " here, got it: \"" + quoted + "\"";
    }

    private void onEvent(EventView event) {
        if (EventView.MESSAGE.equals(event.type()) && "in".equals(event.message().direction())) {
            String peerId = event.message().peerId();
            String reply = replyTo(name, event.message().text());
            replies.execute(() -> send(peerId, reply));
        } else if (EventView.GROUP.equals(event.type()) && userId.equals(event.groupMessage().senderId())) {
            String groupId = event.groupMessage().groupId();
            String reply = replyTo(name, event.groupMessage().text());
            replies.execute(() -> post(groupId, reply));
        }
    }

    /** Sends a message of the bot's own, from the bot's thread. */
    void say(String peerId, String text) {
        replies.execute(() -> send(peerId, text));
    }

    private void send(String peerId, String text) {
        try {
            api.send(peerId, text);
        } catch (ApiException e) {
            LOG.log(Level.WARNING, name + " could not send: " + e.getMessage());
        }
    }

    private void post(String groupId, String text) {
        try {
            api.sendToGroup(groupId, text);
        } catch (ApiException e) {
            LOG.log(Level.WARNING, name + " could not post to a group: " + e.getMessage());
        }
    }

    @Override
    public void close() {
        events.close();
        replies.shutdownNow();
        try {
            replies.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
