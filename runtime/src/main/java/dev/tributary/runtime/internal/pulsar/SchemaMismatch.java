package dev.tributary.runtime.internal.pulsar;

import dev.tributary.dsl.plan.Schemas;
import org.apache.pulsar.client.admin.PulsarAdmin;
import org.apache.pulsar.client.api.PulsarClientException;
import org.apache.pulsar.client.api.Schema;
import org.apache.pulsar.common.schema.SchemaInfo;

/** Explains a schema the broker refused: names the topic, the topic's schema and ours. */
public final class SchemaMismatch {
    private SchemaMismatch() {
    }

    public static boolean isRefusal(Throwable error) {
        return PulsarErrors.unwrap(error) instanceof PulsarClientException.IncompatibleSchemaException;
    }

    public static String explain(PulsarAdmin admin, String topic, Schema<?> ours, String role, Throwable error) {
        String theirs;
        try {
            SchemaInfo info = admin.schemas().getSchemaInfo(topic);
            theirs = describe(info);
        } catch (Exception e) {
            theirs = "(could not be read: " + PulsarErrors.reason(e) + ")";
        }
        return "the broker refused the schema of " + role + " on topic '" + topic + "': the topic has schema "
                + theirs + ", the job uses " + Schemas.describe(ours) + " " + definition(ours.getSchemaInfo())
                + " (" + PulsarErrors.reason(error) + ")";
    }

    private static String describe(SchemaInfo info) {
        String name = info.getName() == null || info.getName().isEmpty() ? "" : "(" + info.getName() + ")";
        return info.getType() + name + " " + definition(info);
    }

    private static String definition(SchemaInfo info) {
        if (info == null) {
            return "";
        }
        String text = info.getSchemaDefinition();
        if (text == null || text.isEmpty()) {
            return "";
        }
        return text.length() > 300 ? text.substring(0, 300) + "..." : text;
    }
}
