package org.parley.cli;

import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.parley.api.ApiException;
import org.parley.api.EventView;
import org.parley.api.GroupMessageView;
import org.parley.api.PrintableText;
import org.parley.api.ShortPeerId;
import org.parley.control.ControlClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

@Command(name = "watch", mixinStandardHelpOptions = true,
        description = {"Print events (messages, contacts, groups, links) as they happen, until interrupted or the "
                + "daemon stops.",
                "With --json: one object per line, {\"type\":\"message\",\"message\":{…},\"cursor\":\"…\"}; "
                + "see docs/API.md for every type."})
final class WatchCommand implements Callable<Integer> {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss")
            .withZone(ZoneId.systemDefault());

    @ParentCommand
    ParleyCli cli;

    @Mixin
    HomeOption homeOption;

    @Option(names = "--json", description = "One JSON object per event.")
    boolean json;

    @Option(names = "--after", paramLabel = "CURSOR",
            description = "Start with the events after this one's cursor (from an earlier watch's output).")
    String after;

    @Override
    public Integer call() throws CliException, InterruptedException {
        CliContext context = cli.context();
        try (ControlClient daemon = ControlClient.connectOrExplain(homeOption.existing(context))) {
            daemon.watch(Optional.ofNullable(after), event -> {
                if (!json && EventView.WATCHING.equals(event.type())) {
                    return;
                }
                synchronized (context.out()) {
                    context.out().println(json ? Json.of(event) : line(event));
                    context.out().flush();
                }
            });
            throw new CliException(daemon.awaitWatchEnd());
        } catch (ApiException e) {
            throw new CliException(e.getMessage(), e);
        }
    }

    private static String shortGroup(String groupId) {
        return groupId.length() > 10 ? groupId.substring(0, 10) : groupId;
    }

    private static String line(EventView event) {
        if (event.contact() != null) {
            return event.type() + " " + ShortPeerId.of(event.contact().peerId()) + " "
                    + PrintableText.oneLine(event.contact().name()) + " (" + event.contact().status() + ")";
        }
        if (event.group() != null) {
            return event.type() + " " + event.group().groupId().substring(0, 10) + " "
                    + PrintableText.oneLine(event.group().name()) + " (" + event.group().status() + ", "
                    + event.group().members() + " members)";
        }
        if (event.peer() != null) {
            return event.type() + " " + ShortPeerId.of(event.peer().peerId())
                    + (event.peer().address().isEmpty() ? "" : " " + PrintableText.oneLine(event.peer().address()));
        }
        if (event.outbox() != null) {
            return event.type() + " " + event.outbox().outbox() + " (" + event.outbox().relayed() + " relayed)";
        }
        if (event.file() != null) {
            return event.type() + " " + (event.file().groupId() != null ? event.file().groupId().substring(0, 10) + " "
                    : "") + ShortPeerId.of(event.file().peerId()) + " " + FileCommand.line(event.file().file());
        }
        if (event.read() != null) {
            return event.type() + " " + (event.read().groupId() != null
                    ? PrintableText.oneLine(shortGroup(event.read().groupId())) + " " : "")
                    + ShortPeerId.of(event.read().peerId()) + " up to " + PrintableText.oneLine(event.read().upTo());
        }
        if (event.typing() != null) {
            return event.type() + " " + (event.typing().groupId() != null
                    ? PrintableText.oneLine(shortGroup(event.typing().groupId())) + " " : "")
                    + ShortPeerId.of(event.typing().peerId()) + (event.typing().active() ? " started" : " stopped");
        }
        if (event.groupMessage() != null) {
            GroupMessageView message = event.groupMessage();
            return event.type() + " " + message.groupId().substring(0, 10) + " " + ShortPeerId.of(message.senderId())
                    + ": " + ConversationMarks.replyPrefix(message.replyTo())
                    + PrintableText.of(message.text()).replace("\n", "\n    ")
                    + ConversationMarks.suffix(message.edited(), message.deleted(), message.reactions());
        }
        return event.type() + " " + ShortPeerId.of(event.message().peerId()) + " " + Lines.of(event.message(), TIME);
    }
}
