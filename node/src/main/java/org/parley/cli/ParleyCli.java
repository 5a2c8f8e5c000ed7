package org.parley.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.parley.control.ControlClient;
import org.parley.node.LogFiles;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * The {@code parley} command. Every failure ends as one line on stderr and a non-zero exit:
 * 1 when the command could not do its work, 2 when it was called wrongly.
 */
@Command(name = "parley", mixinStandardHelpOptions = true, version = "parley 0.1.0",
        description = "Peer-to-peer, end-to-end encrypted chat.")
public final class ParleyCli implements Runnable {
    static final int EXIT_FAILURE = 1;
    static final int EXIT_USAGE = 2;

    /** The subcommands, in the order the usage lists them. */
    private static final List<Class<?>> COMMANDS = List.of(InitCommand.class, IdCommand.class, DaemonCommand.class,
            PeersCommand.class, ContactCommand.class, SendCommand.class, SendFileCommand.class, FileCommand.class,
            ReactCommand.class, EditCommand.class, DeleteCommand.class, ReadCommand.class, LookupCommand.class,
            HistoryCommand.class, GroupCommand.class, ExportCommand.class, ImportCommand.class, WatchCommand.class,
            StatusCommand.class, BenchCommand.class, SimCommand.class, CommandLine.HelpCommand.class);

    private final CliContext context;

    @Spec
    private CommandSpec spec;

    ParleyCli(CliContext context) {
        this.context = context;
    }

    public CliContext context() {
        return context;
    }

    /** Without a subcommand: show what there is to do. */
    @Override
    public void run() {
        spec.commandLine().usage(context.out());
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
        int exitCode = execute(CliContext.system(), args, extraCommands);
        ControlClient.endSharedThreads();
        System.exit(exitCode);
    }

    static int execute(CliContext context, String... args) {
        return execute(context, args, new Object[0]);
    }

    static int execute(CliContext context, String[] args, Object... extraCommands) {
        CommandLine commandLine = commandLine(context, args, extraCommands);
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
            if (error instanceof CliException failure) {
                context.err().println("parley: error: " + failure.getMessage());
                return failure.isUsage() ? EXIT_USAGE : EXIT_FAILURE;
            }
            // Not a static field: the log manager must not exist before main has chosen it.
            Logger.getLogger(ParleyCli.class.getName()).log(Level.SEVERE, "internal error", error);
            context.err().println("parley: internal error: " + error);
            return EXIT_FAILURE;
        });
        return commandLine.execute(args);
    }

    /**
     * The command line for {@code args}: with only the subcommand {@code args} names, when it names
     * one; otherwise with all of them (for the usage, {@code help}, {@code --version} and the "did
     * you mean" of a mistyped name). Picocli reads every option of every command it is given, which
     * was most of a short command's CPU time beyond the JVM's own start.
     */
    static CommandLine commandLine(CliContext context, String[] args, Object... extraCommands) {
        CommandLine commandLine = new CommandLine(new ParleyCli(context));
        List<Object> commands = new ArrayList<>(COMMANDS);
        commands.addAll(List.of(extraCommands));
        Optional<Object> named = args.length == 0 ? Optional.empty()
                : commands.stream().filter(command -> namesOf(command).contains(args[0])).findFirst();
        if (named.isPresent() && named.get() != CommandLine.HelpCommand.class) {
            commandLine.addSubcommand(named.get());
        } else {
            commands.forEach(commandLine::addSubcommand);
        }
        return commandLine;
    }

    private static List<String> namesOf(Object command) {
        Class<?> type = command instanceof Class<?> given ? given : command.getClass();
        Command annotation = type.getAnnotation(Command.class);
        List<String> names = new ArrayList<>(List.of(annotation.aliases()));
        names.add(annotation.name());
        return names;
    }

    /** Every subcommand's {@code --version} tells the one version there is. */
    private static void shareVersion(CommandLine command, String[] version) {
        command.getCommandSpec().version(version);
        command.getSubcommands().values().forEach(subcommand -> shareVersion(subcommand, version));
    }
}
