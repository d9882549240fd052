package dev.tributary.dsl.plan;

import org.apache.pulsar.client.api.Schema;
import org.apache.pulsar.common.schema.SchemaInfo;
import org.apache.pulsar.common.schema.SchemaType;

/** Short descriptions of schemas for {@code Topology.describe()} and error messages. */
public final class Schemas {
    private Schemas() {
    }

    /**
     * Describes a schema briefly: its type, and for struct schemas the record name.
     *
     * @param schema the schema, or null
     * @return for example {@code JSON(Click)} or {@code STRING}; {@code unknown} for null
     */
    public static String describe(Schema<?> schema) {
        if (schema == null) {
            return "unknown";
        }
        SchemaInfo info = schema.getSchemaInfo();
        if (info == null) {
            return "BYTES";
        }
        SchemaType type = info.getType();
        if ((type == SchemaType.JSON || type == SchemaType.AVRO || type == SchemaType.PROTOBUF)
                && info.getName() != null && !info.getName().isEmpty()) {
            return type + "(" + info.getName() + ")";
        }
        return type.toString();
    }
}
