package org.parley.cli;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.LinkedBlockingQueue;
import org.parley.api.ApiException;
import org.parley.api.EventView;
import org.parley.api.FileEventView;
import org.parley.api.FileView;
import org.parley.api.GroupMessageView;
import org.parley.api.MessageView;
import org.parley.api.ParleyApi;
import org.parley.api.PrintableText;
import org.parley.control.ControlClient;
import org.parley.groups.GroupException;
import org.parley.groups.GroupId;
import org.parley.identity.InvalidPeerIdException;
import org.parley.identity.PeerId;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

@Command(name = "file", mixinStandardHelpOptions = true,
        description = {"Show a file offered in a conversation (a peer's or a group's): its state and how many "
                + "chunks are here.",
                "With --follow, print a progress line whenever it changes (the daemon's file events) until the file "
                        + "is complete or failed."})
final class FileCommand implements Callable<Integer> {
    /** How far back in the conversation the message is looked for. */
    private static final int LOOK_BACK = 1000;

    @ParentCommand
    ParleyCli cli;

    @Mixin
    HomeOption homeOption;

    @Parameters(index = "0", paramLabel = "PEER_OR_GROUP_ID", description = "The conversation: a peer or a group.")
    String conversation;

    @Parameters(index = "1", paramLabel = "MESSAGE_ID",
            description = "The message that offered the file (a group message's entry ID).")
    String messageId;

    @Option(names = "--follow", description = "Print progress lines until the file is complete or failed.")
    boolean follow;

    @Option(names = "--json", description = "Print the file as JSON: {\"name\",\"size\",\"sha256\",\"state\",\"path\",…}.")
    boolean json;

    /** The conversation named on the command line: a group ID (32 hex digits) or a peer ID. */
    private record Where(PeerId peer, GroupId group) {
        boolean names(FileEventView event, String message) {
            return message.equals(event.messageId()) && (group != null ? group.toString().equals(event.groupId())
                    : event.groupId() == null && peer.toString().equals(event.peerId()));
        }
    }

    @Override
    public Integer call() throws CliException {
        CliContext context = cli.context();
        Where where = where();
        if (!follow) {
            FileView file = DaemonCall.run(homeOption.existing(context), daemon -> find(daemon, where));
            print(context, file);
            return file.state().equals("failed") ? 1 : 0;
        }
        BlockingQueue<Optional<FileView>> changes = new LinkedBlockingQueue<>();
        try (ControlClient daemon = ControlClient.connectOrExplain(homeOption.existing(context))) {
            // Watch first, then read the state: no change falls in between.
            daemon.watch(Optional.empty(), event -> {
                if (EventView.FILE.equals(event.type()) && where.names(event.file(), messageId)) {
                    changes.add(Optional.of(event.file().file()));
                }
            }, reason -> changes.add(Optional.empty()));
            FileView file = find(daemon, where);
            String last = print(context, file);
            while (file.state().equals("downloading")) {
                Optional<FileView> next = changes.take();
                if (next.isEmpty()) {
                    throw new CliException("the daemon stopped: " + daemon.awaitWatchEnd());
                }
                file = next.get();
                String line = line(file);
                if (!line.equals(last)) {
                    last = print(context, file);
                }
            }
            return file.state().equals("failed") ? 1 : 0;
        } catch (ApiException e) {
            throw new CliException(e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 1;
        }
    }

    private String print(CliContext context, FileView file) {
        String line = line(file);
        context.out().println(json ? Json.of(file) : line);
        context.out().flush();
        return line;
    }

    private Where where() throws CliException {
        if (conversation.length() == GroupId.SIZE * 2) {
            try {
                return new Where(null, GroupId.parse(conversation));
            } catch (GroupException notAGroup) {
                // A peer ID, then.
            }
        }
        try {
            return new Where(PeerId.parse(conversation), null);
        } catch (InvalidPeerIdException e) {
            throw new CliException("not a peer or group ID: " + PrintableText.oneLine(conversation));
        }
    }

    private FileView find(ParleyApi daemon, Where where) throws ApiException {
        FileView file;
        if (where.group() != null) {
            List<GroupMessageView> history = daemon.groupHistory(where.group().toString(), LOOK_BACK);
            file = history.stream().filter(view -> view.entryId().equals(messageId)).findFirst()
                    .orElseThrow(() -> new ApiException(ApiException.Kind.NOT_FOUND, "no message " + PrintableText.oneLine(messageId)
                            + " in the last " + LOOK_BACK + " of group " + where.group()))
                    .file();
        } else {
            List<MessageView> history = daemon.history(where.peer().toString(), LOOK_BACK, Optional.empty());
            file = history.stream().filter(view -> view.id().equals(messageId)).findFirst()
                    .orElseThrow(() -> new ApiException(ApiException.Kind.NOT_FOUND, "no message " + PrintableText.oneLine(messageId)
                            + " in the last " + LOOK_BACK + " with " + where.peer()))
                    .file();
        }
        if (file == null) {
            throw new ApiException(ApiException.Kind.NOT_FOUND, "message " + PrintableText.oneLine(messageId) + " offers no file");
        }
        return file;
    }

    /** One progress line: {@code NAME  STATE  HELD/COUNT chunks (P%)  PATH}. */
    static String line(FileView file) {
        int percent = file.chunks() == 0 ? 100 : (int) (100L * file.chunksHeld() / file.chunks());
        StringBuilder line = new StringBuilder(PrintableText.oneLine(file.name())).append("  ").append(file.state())
                .append("  ").append(file.chunksHeld()).append('/').append(file.chunks()).append(" chunks (")
                .append(percent).append("%)");
        if (file.path() != null) {
            line.append("  ").append(PrintableText.oneLine(file.path()));
        }
        if (file.reason() != null) {
            line.append("  ").append(PrintableText.oneLine(file.reason()));
        }
        return line.toString();
    }
}
