package dev.tributary.runtime;

import dev.tributary.dsl.config.ConfigException;
import java.util.Locale;
import org.apache.pulsar.client.api.Schema;

/**
 * Parses a schema named in configuration or on a command line: {@code string}, {@code bytes},
 * {@code int32}, {@code int64}, {@code double}, {@code boolean}, {@code json:<class>} or
 * {@code avro:<class>}, where the class is a POJO or an Avro-generated class on the classpath.
 */
public final class SchemaSpecs {
    private SchemaSpecs() {
    }

    /**
     * Parses a schema spec.
     *
     * @param setting the setting or option that holds the spec, for error messages
     * @param spec the spec
     * @return the schema
     * @throws ConfigException if the spec is unknown or its class is not on the classpath
     */
    public static Schema<?> parse(String setting, String spec) {
        String text = spec == null ? "" : spec.trim();
        int colon = text.indexOf(':');
        String kind = (colon < 0 ? text : text.substring(0, colon)).toLowerCase(Locale.ROOT);
        String className = colon < 0 ? null : text.substring(colon + 1).trim();
        switch (kind) {
            case "string": return Schema.STRING;
            case "bytes": return Schema.BYTES;
            case "int32": return Schema.INT32;
            case "int64": return Schema.INT64;
            case "double": return Schema.DOUBLE;
            case "boolean": return Schema.BOOL;
            case "json": return Schema.JSON(load(setting, spec, className));
            case "avro": return Schema.AVRO(load(setting, spec, className));
            default:
                throw new ConfigException(setting, spec, "must be string, bytes, int32, int64, double, boolean,"
                        + " json:<class> or avro:<class>");
        }
    }

    private static Class<?> load(String setting, String spec, String className) {
        if (className == null || className.isEmpty()) {
            throw new ConfigException(setting, spec, "json and avro need a class, as in json:com.example.Click");
        }
        try {
            return Class.forName(className, false, Thread.currentThread().getContextClassLoader());
        } catch (ClassNotFoundException | LinkageError e) {
            throw new ConfigException(setting, "schema class '" + className + "' of " + setting + " '" + spec
                    + "' is not on the classpath; package it with the job or fix the name");
        }
    }
}
