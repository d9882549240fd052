package dev.tributary.runtime;

import dev.tributary.dsl.config.ConfigOption;
import java.time.Duration;
import java.util.List;

/** Renders the reference of all settings from their definitions; docs/CONFIGURATION.md is its output. */
public final class ConfigReference {
    private ConfigReference() {
    }

    /**
     * The reference page in Markdown.
     *
     * @return the page
     */
    public static String markdown() {
        return markdown(RuntimeOptions.all());
    }

    static String markdown(List<ConfigOption<?>> options) {
        StringBuilder out = new StringBuilder()
                .append("# Configuration reference\n\n")
                .append("Generated from the option definitions in `dev.tributary.runtime.RuntimeOptions`;")
                .append(" a test fails when this page is out of date. Regenerate it with\n")
                .append("`mvn -pl runtime test -Dtest=ConfigReferenceTest -Dtributary.docs.update=true`.\n")
                .append("Durations are written like `100ms`, `5s`, `2m`, `1h` (or ISO-8601 `PT5S`).\n\n")
                .append("Settings come from, in increasing precedence: the defaults below, a properties file,")
                .append(" environment variables (the variable named in the table), and flags on the command line")
                .append(" (`ConfigLoader`). A key that no setting knows is reported as a warning with the closest")
                .append(" known key. A value of type *a secret* is never printed: logs, errors and banners show")
                .append(" `******`.\n\n")
                .append("| key | environment variable | type | default | rule | description |\n")
                .append("|---|---|---|---|---|---|\n");
        for (ConfigOption<?> option : options) {
            out.append("| `").append(option.key()).append("` | `").append(option.environmentVariable()).append("` | ")
                    .append(option.typeName()).append(" | ")
                    .append(option.isRequired() ? "required" : option.defaultValue() == null ? "none"
                            : "`" + show(option.defaultValue()) + "`")
                    .append(" | ").append(option.ruleText()).append(" | ").append(option.description()).append(" |\n");
        }
        return out.toString();
    }

    private static String show(Object value) {
        if (value instanceof Duration duration) {
            long millis = duration.toMillis();
            return millis % 1000 != 0 ? millis + "ms" : millis % 60_000 != 0 ? millis / 1000 + "s" : millis / 60_000 + "m";
        }
        if (value instanceof Enum<?> constant) {
            // As a value is written: the enum's constant in lower case with '-' for '_'.
            return constant.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
        }
        return String.valueOf(value);
    }

    /**
     * Prints the reference, to regenerate the page: run with the page's path as the argument.
     *
     * @param args the output file, or none for standard output
     * @throws java.io.IOException if the file cannot be written
     */
    public static void main(String[] args) throws java.io.IOException {
        if (args.length == 0) {
            System.out.print(markdown());
        } else {
            java.nio.file.Files.writeString(java.nio.file.Path.of(args[0]), markdown());
        }
    }
}
