package org.parley.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.parley.api.ApiException;
import org.parley.api.ContactView;
import org.parley.api.EventView;
import org.parley.groups.GroupId;
import org.parley.messaging.MessageId;

/**
 * Text a control client sends where the daemon decodes it itself: a watch cursor, a group ID, a
 * message ID. Each is refused as an invalid (or out-of-range) argument, or understood and stable
 * when written out again; nothing else escapes to the caller.
 */
class ControlArgumentsFuzzTest {
    @FuzzTest(maxDuration = "60s")
    void anyTextIsUnderstoodOrRefusedAsAnArgument(byte[] input) {
        // As a protobuf string field arrives: UTF-8, malformed sequences replaced.
        String text = new String(input, StandardCharsets.UTF_8);
        WatchHub hub = new WatchHub("3f9a");
        for (int i = 0; i < 3; i++) {
            hub.publish(EventView.contact(new ContactView("p1x", "n" + i, "contact", i, Map.of())));
        }
        List<EventView> seen = new ArrayList<>();
        try {
            hub.add(Optional.of(text), seen::add);
            assertTrue(text.startsWith("3f9a-"), "only this run's cursors resume");
            assertEquals(EventView.WATCHING, seen.get(seen.size() - 1).type());
            assertTrue(seen.size() <= 4, "at most the kept events, then watching");
        } catch (ApiException e) {
            assertTrue(e.kind() == ApiException.Kind.INVALID_ARGUMENT || e.kind() == ApiException.Kind.OUT_OF_RANGE,
                    e.kind().toString());
        }

        try {
            GroupId group = Views.groupId(text);
            assertEquals(group, Views.groupId(group.toString()), "a group ID written out reads back the same");
        } catch (ApiException e) {
            assertEquals(ApiException.Kind.INVALID_ARGUMENT, e.kind());
        }

        try {
            MessageId message = MessageId.parse(text);
            assertEquals(message, MessageId.parse(message.toString()), "a message ID written out reads back the same");
        } catch (IllegalArgumentException refused) {
            // the API turns it into INVALID_ARGUMENT
        }
    }
}
