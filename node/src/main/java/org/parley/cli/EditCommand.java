package org.parley.cli;

import java.util.concurrent.Callable;
import org.parley.api.MessageView;
import org.parley.identity.PeerId;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

@Command(name = "edit", mixinStandardHelpOptions = true,
        description = {"Replace the text of one of your messages; the peer sees it marked edited.",
                "Only a message's author can edit it."})
final class EditCommand implements Callable<Integer> {
    private static final String FROM_STANDARD_INPUT = "-";
    private static final int MAX_TEXT_BYTES = 64 * 1024;

    @ParentCommand
    ParleyCli cli;

    @Mixin
    HomeOption homeOption;

    @Parameters(index = "0", paramLabel = "PEER_ID", converter = Converters.PeerIdConverter.class)
    PeerId peer;

    @Parameters(index = "1", paramLabel = "MESSAGE_ID", description = "Your message (its ID, as history --json shows it).")
    String messageId;

    @Parameters(index = "2", paramLabel = "TEXT", description = "The new text (at most 64 KiB of UTF-8), or - to read it "
            + "from standard input.")
    String text;

    @Option(names = "--json", description = "Print the message as it is now as JSON.")
    boolean json;

    @Override
    public Integer call() throws CliException {
        CliContext context = cli.context();
        String newText = text.equals(FROM_STANDARD_INPUT) ? StandardInputText.read(context.in(), MAX_TEXT_BYTES) : text;
        MessageView message = DaemonCall.run(homeOption.existing(context),
                daemon -> daemon.edit(peer.toString(), messageId, newText));
        context.out().println(json ? Json.of(message) : message.id());
        return 0;
    }
}
