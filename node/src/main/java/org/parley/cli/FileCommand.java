package org.parley.cli;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.parley.api.FileView;
import org.parley.api.MessageView;
import org.parley.api.PrintableText;
import org.parley.identity.PeerId;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

@Command(name = "file", mixinStandardHelpOptions = true,
        description = {"Show a file offered in a conversation: its state and how many chunks are here.",
                "With --follow, print a progress line whenever it changes until the file is complete or failed."})
final class FileCommand implements Callable<Integer> {
    /** How often --follow asks the daemon. */
    private static final long POLL_MILLIS = 500;
    /** How far back in the conversation the message is looked for. */
    private static final int LOOK_BACK = 1000;

    @ParentCommand
    ParleyCli cli;

    @Mixin
    HomeOption homeOption;

    @Parameters(index = "0", paramLabel = "PEER_ID", converter = Converters.PeerIdConverter.class,
            description = "The conversation.")
    PeerId peer;

    @Parameters(index = "1", paramLabel = "MESSAGE_ID", description = "The message that offered the file.")
    String messageId;

    @Option(names = "--follow", description = "Print progress lines until the file is complete or failed.")
    boolean follow;

    @Option(names = "--json", description = "Print the file as JSON: {\"name\",\"size\",\"sha256\",\"state\",\"path\",…}.")
    boolean json;

    @Override
    public Integer call() throws CliException {
        CliContext context = cli.context();
        String last = null;
        while (true) {
            FileView file = find(context);
            String line = json ? Json.of(file) : line(file);
            if (!line.equals(last)) {
                context.out().println(line);
                context.out().flush();
                last = line;
            }
            boolean settled = !file.state().equals("downloading");
            if (!follow || settled) {
                return file.state().equals("failed") ? 1 : 0;
            }
            try {
                Thread.sleep(POLL_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return 1;
            }
        }
    }

    private FileView find(CliContext context) throws CliException {
        List<MessageView> history = DaemonCall.run(homeOption.existing(context),
                daemon -> daemon.history(peer.toString(), LOOK_BACK, Optional.empty()));
        MessageView message = history.stream().filter(view -> view.id().equals(messageId)).findFirst()
                .orElseThrow(() -> new CliException("no message " + messageId + " in the last " + LOOK_BACK
                        + " with " + peer));
        if (message.file() == null) {
            throw new CliException("message " + messageId + " offers no file");
        }
        return message.file();
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
