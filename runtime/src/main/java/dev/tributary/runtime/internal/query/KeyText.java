package dev.tributary.runtime.internal.query;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.apache.pulsar.client.api.Schema;
import org.apache.pulsar.common.schema.SchemaType;

/** A key given as text in a URL, read as the store's key schema reads keys. */
final class KeyText {
    private KeyText() {
    }

    /**
     * @throws IllegalArgumentException saying what the text should look like
     */
    static Object parse(Schema<?> schema, String text) {
        SchemaType type = schema.getSchemaInfo().getType();
        try {
            return switch (type) {
                case STRING -> text;
                case INT8 -> Byte.parseByte(text);
                case INT16 -> Short.parseShort(text);
                case INT32 -> Integer.parseInt(text);
                case INT64 -> Long.parseLong(text);
                case FLOAT -> Float.parseFloat(text);
                case DOUBLE -> Double.parseDouble(text);
                case BOOLEAN -> parseBoolean(text);
                case BYTES -> Base64.getUrlDecoder().decode(text);
                case JSON -> schema.decode(text.getBytes(StandardCharsets.UTF_8));
                default -> throw new IllegalArgumentException("keys of schema type " + type + " cannot be given in a"
                        + " URL; query them from Java (JobRunner.store)");
            };
        } catch (IllegalArgumentException e) {
            if (e.getMessage() != null && e.getMessage().startsWith("keys of schema type")) {
                throw e;
            }
            throw new IllegalArgumentException("'" + text + "' is not a key of this store, whose keys are "
                    + describe(type), e);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("'" + text + "' is not a key of this store, whose keys are "
                    + describe(type) + ": " + e.getMessage(), e);
        }
    }

    private static boolean parseBoolean(String text) {
        if (text.equals("true") || text.equals("false")) {
            return Boolean.parseBoolean(text);
        }
        throw new IllegalArgumentException("not true or false");
    }

    private static String describe(SchemaType type) {
        return switch (type) {
            case INT8, INT16, INT32, INT64 -> "whole numbers (" + type + ")";
            case FLOAT, DOUBLE -> "numbers (" + type + ")";
            case BOOLEAN -> "true or false";
            case BYTES -> "bytes, given in URL-safe Base64";
            case JSON -> "JSON documents";
            default -> type.toString();
        };
    }
}
