package org.parley.cli;

import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Feeds the home's {@link ConfigFile} to the {@code daemon} and {@code tui} commands as their
 * options' defaults: a flag on the command line wins over the file, the file over the built-in
 * default. Every setting is checked before the command runs, so an unknown key or a value its
 * option would refuse is reported as one line naming the file, line and key.
 */
final class ConfigDefaults implements CommandLine.IDefaultValueProvider {
    /** The commands that read the configuration: those that run a node. */
    static final Set<String> COMMANDS = Set.of("daemon", "tui");
    /** Options that are not settings: where the configuration is found, and help. */
    private static final Set<String> NOT_SETTINGS = Set.of("home", "help", "version");

    private final ConfigFile config;

    private ConfigDefaults(ConfigFile config) {
        this.config = config;
    }

    /**
     * When {@code args} runs a command that reads the configuration, finds its file (beside the
     * home that {@code --home} names, if it does), checks it and installs it on {@code root}.
     */
    static void install(CommandLine root, String[] args, CliContext context) throws CliException {
        if (args.length == 0 || !COMMANDS.contains(args[0]) || !root.getSubcommands().containsKey(args[0])) {
            return;
        }
        Path configFile = HomeLocation.of(explicitHome(args), context).configFile();
        ConfigFile config = ConfigFile.read(configFile);
        check(config, root);
        root.setDefaultValueProvider(new ConfigDefaults(config));
    }

    @Override
    public String defaultValue(ArgSpec argument) {
        if (!(argument instanceof OptionSpec option) || !readsConfig(option.command())) {
            return null;
        }
        ConfigFile.Setting setting = config.settings().get(key(option));
        return setting == null ? null : setting.value();
    }

    /** Every key must be an option of a command that reads the file, and its value one that option takes. */
    private static void check(ConfigFile config, CommandLine root) throws CliException {
        Map<String, OptionSpec> known = new TreeMap<>();
        for (String command : COMMANDS) {
            CommandLine sub = root.getSubcommands().get(command);
            if (sub != null) {
                for (OptionSpec option : sub.getCommandSpec().options()) {
                    if (!NOT_SETTINGS.contains(key(option))) {
                        known.putIfAbsent(key(option), option);
                    }
                }
            }
        }
        for (Map.Entry<String, ConfigFile.Setting> setting : config.settings().entrySet()) {
            OptionSpec option = known.get(setting.getKey());
            if (option == null) {
                throw config.error(setting.getKey(), "unknown key (known: " + String.join(", ", known.keySet()) + ")");
            }
            checkValue(config, setting.getKey(), setting.getValue().value(), option);
        }
    }

    /** Converts the value as the option itself would, on a command that has only that option. */
    private static void checkValue(ConfigFile config, String key, String value, OptionSpec option)
            throws CliException {
        if (option.arity().max() == 0) {
            if (!value.equals("true") && !value.equals("false")) {
                throw config.error(key, "'" + value + "' is not true or false");
            }
            return;
        }
        CommandSpec probe = CommandSpec.create().addOption(OptionSpec.builder(option).required(false).build());
        try {
            new CommandLine(probe).parseArgs(option.longestName(), value);
        } catch (CommandLine.ParameterException e) {
            throw config.error(key, e.getMessage());
        }
    }

    private static boolean readsConfig(CommandSpec command) {
        for (CommandSpec spec = command; spec != null; spec = spec.parent()) {
            if (COMMANDS.contains(spec.name()) && spec.parent() != null && spec.parent().parent() == null) {
                return true;
            }
        }
        return false;
    }

    private static String key(OptionSpec option) {
        return option.longestName().replaceFirst("^-+", "");
    }

    /** The {@code --home} on the command line, found before picocli parses it. */
    private static Optional<Path> explicitHome(String[] args) {
        for (int i = 1; i < args.length; i++) {
            if (args[i].equals("--")) {
                break;
            }
            if (args[i].equals("--home") && i + 1 < args.length) {
                return Optional.of(Paths.get(args[i + 1]));
            }
            if (args[i].startsWith("--home=")) {
                return Optional.of(Paths.get(args[i].substring("--home=".length())));
            }
        }
        return Optional.empty();
    }
}
