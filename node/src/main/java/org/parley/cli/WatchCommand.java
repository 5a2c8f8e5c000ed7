package org.parley.cli;

import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
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
        description = {"Print message events as they happen, until interrupted or the daemon stops.",
                "With --json: one object per line, {\"type\":\"message\"|\"update\",\"message\":{…}}."})
final class WatchCommand implements Callable<Integer> {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss")
            .withZone(ZoneId.systemDefault());

    @ParentCommand
    ParleyCli cli;

    @Mixin
    HomeOption homeOption;

    @Option(names = "--json", description = "One JSON object per event.")
    boolean json;

    @Override
    public Integer call() throws CliException, InterruptedException {
        CliContext context = cli.context();
        try (ControlClient daemon = ControlClient.connectOrExplain(homeOption.existing(context))) {
            daemon.watch(event -> {
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

    private static String line(EventView event) {
        if (event.groupMessage() != null) {
            GroupMessageView message = event.groupMessage();
            return event.type() + " " + message.groupId().substring(0, 10) + " " + ShortPeerId.of(message.senderId())
                    + ": " + PrintableText.of(message.text()).replace("\n", "\n    ");
        }
        return event.type() + " " + ShortPeerId.of(event.message().peerId()) + " " + Lines.of(event.message(), TIME);
    }
}
