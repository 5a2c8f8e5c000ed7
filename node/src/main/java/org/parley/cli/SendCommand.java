package org.parley.cli;

import java.util.concurrent.Callable;
import org.parley.api.MessageView;
import org.parley.identity.PeerId;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

@Command(name = "send", mixinStandardHelpOptions = true,
        description = {"Send a message to a peer; prints the message ID once it is safely in the outbox.",
                "Delivery follows as soon as the peer can be reached (see history or watch)."})
final class SendCommand implements Callable<Integer> {
    @ParentCommand
    ParleyCli cli;

    @Mixin
    HomeOption homeOption;

    @Parameters(index = "0", paramLabel = "PEER_ID", converter = Converters.PeerIdConverter.class,
            description = "Who to send to.")
    PeerId peer;

    @Parameters(index = "1", paramLabel = "TEXT", description = {"The message (at most 64 KiB of UTF-8), or - to read it "
            + "from standard input (so that it does not appear in the process list); one final line break is dropped."})
    String text;

    private static final String FROM_STANDARD_INPUT = "-";
    /** The daemon refuses longer messages; reading stops one byte past this to say so early. */
    private static final int MAX_TEXT_BYTES = 64 * 1024;

    @Option(names = "--json", description = "Print the message as JSON instead of its ID.")
    boolean json;

    @Option(names = "--reply-to", paramLabel = "MESSAGE_ID",
            description = "Reply to (quote) this message of the conversation (its ID, as history shows it).")
    String replyTo;

    @Override
    public Integer call() throws CliException {
        CliContext context = cli.context();
        String message = text.equals(FROM_STANDARD_INPUT) ? StandardInputText.read(context.in(), MAX_TEXT_BYTES) : text;
        MessageView sent = DaemonCall.run(homeOption.existing(context), daemon -> replyTo == null
                ? daemon.send(peer.toString(), message)
                : daemon.send(peer.toString(), message, java.util.Optional.of(replyTo)));
        context.out().println(json ? Json.of(sent) : sent.id());
        return 0;
    }
}
