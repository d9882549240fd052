package dev.tributary.examples;

import dev.tributary.dsl.config.Suggestions;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The launcher's command line: the example's name, then options of the form --name value or --name=value. */
final class LauncherArgs {
    static final List<String> OPTIONS = List.of("service-url", "admin-url", "input", "output", "application-id",
            "value-schema", "records", "replay-from", "key-groups", "state-dir", "error-policy", "dead-letter-topic",
            "kinds", "subscription");
    private static final Set<String> FLAGS = Set.of("help");

    final String example;
    final Map<String, String> options;

    private LauncherArgs(String example, Map<String, String> options) {
        this.example = example;
        this.options = options;
    }

    static LauncherArgs parse(String[] args) {
        String example = null;
        Map<String, String> options = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (!arg.startsWith("--")) {
                if (example != null) {
                    throw new UsageException("unexpected argument '" + arg + "': give one example name, then options");
                }
                example = arg;
                continue;
            }
            String name = arg.substring(2);
            String value = null;
            int equals = name.indexOf('=');
            if (equals >= 0) {
                value = name.substring(equals + 1);
                name = name.substring(0, equals);
            }
            if (FLAGS.contains(name)) {
                options.put(name, "true");
                continue;
            }
            if (!OPTIONS.contains(name)) {
                throw new UsageException("unknown option '--" + name + "'" + suggestion(name) + "; options are --"
                        + String.join(", --", OPTIONS));
            }
            if (value == null) {
                if (i + 1 >= args.length || args[i + 1].startsWith("--")) {
                    throw new UsageException("option '--" + name + "' needs a value");
                }
                value = args[++i];
            }
            options.put(name, value);
        }
        return new LauncherArgs(example, options);
    }

    String get(String option, String fallback) {
        return options.getOrDefault(option, fallback);
    }

    boolean has(String option) {
        return options.containsKey(option);
    }

    private static String suggestion(String name) {
        return Suggestions.didYouMean("--" + name, OPTIONS.stream().map(option -> "--" + option).toList());
    }

    static final class UsageException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        UsageException(String message) {
            super(message);
        }
    }
}
