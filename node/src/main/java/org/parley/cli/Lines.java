package org.parley.cli;

import java.time.Instant;
import java.time.format.DateTimeFormatter;
import org.parley.api.MessageView;
import org.parley.api.PrintableText;

/** One message as one line of text, for people rather than scripts. */
final class Lines {
    private Lines() {
    }

    static String of(MessageView message, DateTimeFormatter time) {
        String arrow = message.direction().equals("out") ? "->" : "<-";
        String mark = switch (message.state()) {
            case "pending" -> " (pending)";
            case "relayed" -> " (relayed: " + message.replicas() + " replicas)";
            case "failed" -> " (failed: " + message.reason() + ")";
            default -> message.request() ? " (request)" : "";
        };
        String text = PrintableText.of(message.text()).replace("\n", "\n    ");
        return time.format(Instant.ofEpochMilli(message.sentAt())) + " " + arrow + " "
                + ConversationMarks.replyPrefix(message.replyTo()) + text + mark
                + ConversationMarks.suffix(message.edited(), message.deleted(), message.reactions());
    }
}
