package dev.tributary.runtime.launcher;

import dev.tributary.dsl.config.ConfigLoader;
import dev.tributary.dsl.config.ConfigOption;
import dev.tributary.dsl.config.Suggestions;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A launcher's command line, parsed one way for every launcher: an optional command (such as an
 * example's name), the job settings every launcher takes ({@code --config FILE}, repeated
 * {@code --set key=value}), flags ({@code --help} and the launcher's own), and the launcher's own
 * options of the form {@code --name value} or {@code --name=value}.
 *
 * <p>Settings are then loaded as {@link ConfigLoader} does: defaults, the file, {@code TRIBUTARY_*}
 * environment variables, {@code --set} flags, later ones winning; a launcher puts its own options on
 * top ({@link #settings(Collection, Map)}).
 */
public final class CommandLine {
    /** The usage of the settings every launcher takes. */
    public static final String SETTINGS_USAGE = "[--config FILE] [--set key=value ...]";

    private final String command;
    private final Path configFile;
    private final Map<String, String> sets;
    private final Map<String, String> options;
    private final Set<String> flags;

    private CommandLine(String command, Path configFile, Map<String, String> sets, Map<String, String> options,
                        Set<String> flags) {
        this.command = command;
        this.configFile = configFile;
        this.sets = Map.copyOf(sets);
        this.options = Map.copyOf(options);
        this.flags = Set.copyOf(flags);
    }

    /** A command line that cannot be parsed; its message says what is wrong, in one line. */
    public static final class UsageException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        /** @param message what is wrong with the command line */
        public UsageException(String message) {
            super(message);
        }
    }

    /**
     * Parses a command line.
     *
     * @param args the arguments
     * @param takesCommand whether one argument not starting with {@code --} names a command
     * @param options the launcher's own options that take a value, without {@code --}
     * @param flags the launcher's own options without a value, without {@code --}; {@code help} is always one
     * @return the parsed command line
     * @throws UsageException naming the argument at fault, with a suggestion for a misspelt option
     */
    public static CommandLine parse(String[] args, boolean takesCommand, Collection<String> options,
                                    Collection<String> flags) {
        Set<String> knownFlags = new LinkedHashSet<>(flags);
        knownFlags.add("help");
        List<String> known = new ArrayList<>(List.of("config", "set"));
        known.addAll(options);
        known.addAll(knownFlags);
        String command = null;
        Path file = null;
        Map<String, String> sets = new LinkedHashMap<>();
        Map<String, String> values = new LinkedHashMap<>();
        Set<String> given = new LinkedHashSet<>();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (!arg.startsWith("--")) {
                if (!takesCommand || command != null) {
                    throw new UsageException("unexpected argument '" + arg + "'" + (takesCommand
                            ? ": give one example name, then options" : ""));
                }
                command = arg;
                continue;
            }
            String name = arg.substring(2);
            String value = null;
            int equals = name.indexOf('=');
            if (equals >= 0) {
                value = name.substring(equals + 1);
                name = name.substring(0, equals);
            }
            if (knownFlags.contains(name)) {
                given.add(name);
                continue;
            }
            if (!known.contains(name)) {
                throw new UsageException("unknown option '--" + name + "'" + Suggestions.didYouMean("--" + name,
                        known.stream().map(option -> "--" + option).toList()) + "; options are --"
                        + String.join(", --", known));
            }
            if (value == null) {
                if (i + 1 >= args.length || args[i + 1].startsWith("--")) {
                    throw new UsageException("option '--" + name + "' needs a value");
                }
                value = args[++i];
            }
            if (name.equals("config")) {
                file = Path.of(value);
            } else if (name.equals("set")) {
                int at = value.indexOf('=');
                if (at <= 0) {
                    throw new UsageException("--set needs key=value, got '" + value + "'");
                }
                sets.put(value.substring(0, at).trim(), value.substring(at + 1).trim());
            } else {
                values.put(name, value);
            }
        }
        return new CommandLine(command, file, sets, values, given);
    }

    /** The command named, or null. */
    public String command() {
        return command;
    }

    /** The value of one of the launcher's own options, or the fallback when it is not given. */
    public String get(String option, String fallback) {
        return options.getOrDefault(option, fallback);
    }

    /** Whether one of the launcher's own options or flags is given. */
    public boolean has(String option) {
        return options.containsKey(option) || flags.contains(option);
    }

    /** The {@code --config} file, or null. */
    public Path configFile() {
        return configFile;
    }

    /** The {@code --set} settings, in the order given. */
    public Map<String, String> sets() {
        return sets;
    }

    /**
     * Loads the job settings: defaults, the {@code --config} file, {@code TRIBUTARY_*} variables and
     * {@code --set} flags, later ones winning.
     *
     * @param known every option the process defines, for the warnings about unknown keys
     * @param environment the environment, usually {@code System.getenv()}
     * @return the settings with their warnings and origins
     */
    public ConfigLoader.Loaded settings(Collection<ConfigOption<?>> known, Map<String, String> environment) {
        return ConfigLoader.load(known, configFile, environment, sets);
    }
}
