package org.parley.cli;

import java.util.logging.Level;
import java.util.logging.Logger;
import org.parley.node.LogFiles;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code parley} command. Every failure ends as one line on stderr and a non-zero exit:
 * 1 when the command could not do its work, 2 when it was called wrongly.
 */
@Command(name = "parley", mixinStandardHelpOptions = true, version = "parley 0.1.0",
        description = "Peer-to-peer, end-to-end encrypted chat.",
        subcommands = {InitCommand.class, IdCommand.class, DaemonCommand.class, PeersCommand.class,
                ContactCommand.class, SendCommand.class, SendFileCommand.class, FileCommand.class,
                ReactCommand.class, EditCommand.class, DeleteCommand.class, ReadCommand.class, LookupCommand.class,
                HistoryCommand.class, GroupCommand.class,
                ExportCommand.class, ImportCommand.class,
                WatchCommand.class, StatusCommand.class, BenchCommand.class, SimCommand.class,
                CommandLine.HelpCommand.class})
public final class ParleyCli implements Runnable {
    static final int EXIT_FAILURE = 1;
    static final int EXIT_USAGE = 2;

    private final CliContext context;

    ParleyCli(CliContext context) {
        this.context = context;
    }

    public CliContext context() {
        return context;
    }

    /** Without a subcommand: show what there is to do. */
    @Override
    public void run() {
        new CommandLine(this).usage(context.out());
    }

    public static void main(String[] args) {
        run(args);
    }

    /**
     * Runs a command line and exits with its code. {@code extraCommands} are subcommands that live
     * in modules built on this one (the terminal client's {@code tui} and {@code demo}).
     */
    public static void run(String[] args, Object... extraCommands) {
        LogFiles.chooseShutdownAwareManager();
        LogFiles.silence();
        System.exit(execute(CliContext.system(), args, extraCommands));
    }

    static int execute(CliContext context, String... args) {
        return execute(context, args, new Object[0]);
    }

    static int execute(CliContext context, String[] args, Object... extraCommands) {
        CommandLine commandLine = new CommandLine(new ParleyCli(context));
        for (Object command : extraCommands) {
            commandLine.addSubcommand(command);
        }
        shareVersion(commandLine, commandLine.getCommandSpec().version());
        try {
            ConfigDefaults.install(commandLine, args, context);
        } catch (CliException e) {
            context.err().println("parley: error: " + e.getMessage());
            return EXIT_USAGE;
        }
        commandLine.setOut(context.out());
        commandLine.setErr(context.err());
        commandLine.setParameterExceptionHandler((error, arguments) -> {
            CommandLine command = error.getCommandLine();
            context.err().println("parley: error: " + error.getMessage() + " (see '"
                    + command.getCommandSpec().qualifiedName() + " --help')");
            return EXIT_USAGE;
        });
        commandLine.setExecutionExceptionHandler((error, command, parseResult) -> {
            if (error instanceof CliException) {
                context.err().println("parley: error: " + error.getMessage());
            } else {
                // Not a static field: the log manager must not exist before main has chosen it.
                Logger.getLogger(ParleyCli.class.getName()).log(Level.SEVERE, "internal error", error);
                context.err().println("parley: internal error: " + error);
            }
            return EXIT_FAILURE;
        });
        return commandLine.execute(args);
    }

    /** Every subcommand's {@code --version} tells the one version there is. */
    private static void shareVersion(CommandLine command, String[] version) {
        command.getCommandSpec().version(version);
        command.getSubcommands().values().forEach(subcommand -> shareVersion(subcommand, version));
    }
}
