package dev.tributary.connect.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.pulsar.common.schema.SchemaInfo;
import org.apache.pulsar.common.schema.SchemaType;

/**
 * Checks a JSON event against a topic's schema and encodes it the way the topic stores values: JSON
 * text for JSON and string topics, Avro binary for Avro topics. A JSON or Avro schema is a record
 * definition: every field without a default and not nullable must be present, every value must have
 * its field's type, and (unless allowed) fields the schema does not define are refused.
 */
final class EventSchema {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final SchemaType type;
    private final Schema record;
    private final boolean rejectUnknownFields;

    private EventSchema(SchemaType type, Schema record, boolean rejectUnknownFields) {
        this.type = type;
        this.record = record;
        this.rejectUnknownFields = rejectUnknownFields;
    }

    /**
     * @param info the topic's schema, or null for none (any JSON is accepted and stored as text)
     * @throws IllegalArgumentException if the topic's schema cannot carry JSON events
     */
    static EventSchema of(String topic, SchemaInfo info, boolean rejectUnknownFields) {
        if (info == null) {
            return new EventSchema(SchemaType.STRING, null, rejectUnknownFields);
        }
        switch (info.getType()) {
            case JSON:
            case AVRO:
                Schema schema = new Schema.Parser().parse(info.getSchemaDefinition());
                if (schema.getType() != Schema.Type.RECORD) {
                    throw new IllegalArgumentException("topic '" + topic + "' has a " + info.getType() + " schema of type "
                            + schema.getType() + "; events must be records");
                }
                return new EventSchema(info.getType(), schema, rejectUnknownFields);
            case STRING:
            case BYTES:
            case NONE:
                return new EventSchema(SchemaType.STRING, null, rejectUnknownFields);
            default:
                throw new IllegalArgumentException("topic '" + topic + "' has a " + info.getType() + " schema; the HTTP"
                        + " bridge writes JSON events to topics with a JSON, AVRO, STRING or BYTES schema, or none");
        }
    }

    String describe() {
        return record == null ? "any JSON (" + type + ")" : type + " record " + record.getName();
    }

    /**
     * @return the value's bytes for the topic
     * @throws IllegalArgumentException naming the first field that does not fit
     */
    byte[] encode(JsonNode event) throws IOException {
        if (record == null) {
            return JSON.writeValueAsBytes(event);
        }
        Object value = convert(event, record, "");
        if (type == SchemaType.JSON) {
            return JSON.writeValueAsBytes(event);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
        new GenericDatumWriter<Object>(record).write(value, encoder);
        encoder.flush();
        return out.toByteArray();
    }

    /** Checks a JSON value against a schema and builds the Avro value for it. */
    private Object convert(JsonNode node, Schema schema, String path) {
        String where = path.isEmpty() ? "the event" : "field '" + path + "'";
        switch (schema.getType()) {
            case RECORD: {
                if (!node.isObject()) {
                    throw new IllegalArgumentException(where + " must be an object, not " + kind(node));
                }
                GenericData.Record out = new GenericData.Record(schema);
                for (Schema.Field field : schema.getFields()) {
                    JsonNode child = node.get(field.name());
                    String childPath = path.isEmpty() ? field.name() : path + "." + field.name();
                    if (child == null || child.isNull()) {
                        if (child == null && field.hasDefaultValue()) {
                            out.put(field.name(), GenericData.get().getDefaultValue(field));
                            continue;
                        }
                        if (!nullable(field.schema())) {
                            throw new IllegalArgumentException("missing field '" + childPath + "' (" + typeName(field.schema())
                                    + ")");
                        }
                        out.put(field.name(), null);
                        continue;
                    }
                    out.put(field.name(), convert(child, field.schema(), childPath));
                }
                if (rejectUnknownFields) {
                    for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
                        String name = names.next();
                        if (schema.getField(name) == null) {
                            throw new IllegalArgumentException("field '" + (path.isEmpty() ? name : path + "." + name)
                                    + "' is not in the schema (" + schema.getFields().stream().map(Schema.Field::name)
                                    .toList() + ")");
                        }
                    }
                }
                return out;
            }
            case UNION: {
                if (node.isNull() && nullable(schema)) {
                    return null;
                }
                IllegalArgumentException last = null;
                for (Schema branch : schema.getTypes()) {
                    if (branch.getType() == Schema.Type.NULL) {
                        continue;
                    }
                    try {
                        return convert(node, branch, path);
                    } catch (IllegalArgumentException e) {
                        last = e;
                    }
                }
                throw last != null ? last : new IllegalArgumentException(where + " must be null");
            }
            case STRING:
                if (!node.isTextual()) {
                    throw mismatch(where, "a string", node);
                }
                return node.textValue();
            case INT:
                if (!node.isIntegralNumber() || !node.canConvertToInt()) {
                    throw mismatch(where, "a 32-bit integer", node);
                }
                return node.intValue();
            case LONG:
                if (!node.isIntegralNumber() || !node.canConvertToLong()) {
                    throw mismatch(where, "a 64-bit integer", node);
                }
                return node.longValue();
            case FLOAT:
            case DOUBLE:
                if (!node.isNumber()) {
                    throw mismatch(where, "a number", node);
                }
                return schema.getType() == Schema.Type.FLOAT ? (Object) node.floatValue() : (Object) node.doubleValue();
            case BOOLEAN:
                if (!node.isBoolean()) {
                    throw mismatch(where, "true or false", node);
                }
                return node.booleanValue();
            case BYTES:
                if (!node.isTextual()) {
                    throw mismatch(where, "base64 text", node);
                }
                try {
                    return ByteBuffer.wrap(Base64.getDecoder().decode(node.textValue()));
                } catch (IllegalArgumentException e) {
                    throw mismatch(where, "base64 text", node);
                }
            case ENUM:
                if (!node.isTextual() || !schema.getEnumSymbols().contains(node.textValue())) {
                    throw mismatch(where, "one of " + schema.getEnumSymbols(), node);
                }
                return new GenericData.EnumSymbol(schema, node.textValue());
            case ARRAY: {
                if (!node.isArray()) {
                    throw mismatch(where, "an array", node);
                }
                List<Object> items = new ArrayList<>(node.size());
                for (int i = 0; i < node.size(); i++) {
                    items.add(convert(node.get(i), schema.getElementType(), path + "[" + i + "]"));
                }
                return new GenericData.Array<>(schema, items);
            }
            case MAP: {
                if (!node.isObject()) {
                    throw mismatch(where, "an object", node);
                }
                Map<String, Object> entries = new HashMap<>();
                node.fields().forEachRemaining(e -> entries.put(e.getKey(),
                        convert(e.getValue(), schema.getValueType(), path + "." + e.getKey())));
                return entries;
            }
            case NULL:
                if (!node.isNull()) {
                    throw mismatch(where, "null", node);
                }
                return null;
            default:
                throw new IllegalArgumentException(where + " has schema type " + schema.getType()
                        + ", which JSON events cannot fill");
        }
    }

    private static boolean nullable(Schema schema) {
        return schema.getType() == Schema.Type.NULL || (schema.getType() == Schema.Type.UNION
                && schema.getTypes().stream().anyMatch(s -> s.getType() == Schema.Type.NULL));
    }

    private static String typeName(Schema schema) {
        return schema.getType() == Schema.Type.UNION ? schema.getTypes().stream().map(s -> s.getType().getName())
                .toList().toString() : schema.getType().getName();
    }

    private static IllegalArgumentException mismatch(String where, String expected, JsonNode node) {
        return new IllegalArgumentException(where + " must be " + expected + ", not " + kind(node) + " "
                + abbreviate(node.toString()));
    }

    private static String kind(JsonNode node) {
        return node.getNodeType().name().toLowerCase(java.util.Locale.ROOT);
    }

    private static String abbreviate(String text) {
        return text.length() <= 40 ? text : text.substring(0, 37) + "...";
    }
}
