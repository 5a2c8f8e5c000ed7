package org.parley.link.tls;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.parley.link.DialTarget;
import org.parley.link.Link;
import org.parley.link.LinkListener;
import org.parley.proto.wire.v1.Frame;

/** Records what a network reports, for tests to wait on. Optionally greets every new link. */
final class RecordingListener implements LinkListener {
    record Event(String kind, Link link, Frame frame, String reason) {
    }

    private final BlockingQueue<Event> events = new LinkedBlockingQueue<>();
    private final Frame greeting;

    /** @param greeting sent on every link as soon as it is up (null: stay silent) */
    RecordingListener(Frame greeting) {
        this.greeting = greeting;
    }

    @Override
    public void linkUp(Link link) {
        if (greeting != null) {
            link.send(greeting);
        }
        events.add(new Event("up", link, null, null));
    }

    @Override
    public void frameReceived(Link link, Frame frame) {
        events.add(new Event("frame", link, frame, null));
    }

    @Override
    public void linkDown(Link link, String reason) {
        events.add(new Event("down", link, null, reason));
    }

    @Override
    public void dialFailed(DialTarget target, String reason) {
        events.add(new Event("dialFailed", null, null, reason));
    }

    /** The next event of the given kind, skipping others; fails after a timeout. */
    Event next(String kind) throws InterruptedException {
        StringBuilder skipped = new StringBuilder();
        while (true) {
            Event event = events.poll(20, TimeUnit.SECONDS);
            if (event == null) {
                throw new AssertionError("no '" + kind + "' event within 20 s; skipped:" + skipped);
            }
            skipped.append(' ').append(event.kind()).append(event.reason() == null ? "" : "(" + event.reason() + ")");
            if (event.kind().equals(kind)) {
                return event;
            }
        }
    }

    /** The next event of any kind, or null when nothing happens for {@code millis}. */
    Event poll(long millis) throws InterruptedException {
        return events.poll(millis, TimeUnit.MILLISECONDS);
    }
}
