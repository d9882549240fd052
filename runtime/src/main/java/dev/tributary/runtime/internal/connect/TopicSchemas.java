package dev.tributary.runtime.internal.connect;

import dev.tributary.runtime.internal.compile.TopicNames;
import dev.tributary.runtime.internal.pulsar.PulsarErrors;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.pulsar.client.admin.PulsarAdmin;
import org.apache.pulsar.client.admin.PulsarAdminException;
import org.apache.pulsar.common.naming.TopicName;
import org.apache.pulsar.common.schema.SchemaInfo;

/** The schemas of the topics a source connector writes, read once each from the broker's registry. */
final class TopicSchemas {
    private final PulsarAdmin admin;
    private final String connector;
    private final Map<String, Optional<SchemaInfo>> schemas = new ConcurrentHashMap<>();

    TopicSchemas(PulsarAdmin admin, String connector) {
        this.admin = admin;
        this.connector = connector;
    }

    /**
     * @return the topic's schema, or empty for a topic without one
     * @throws IllegalArgumentException if the topic does not exist
     */
    Optional<SchemaInfo> of(String name) {
        String normalized = TopicNames.normalize(name, "source connector '" + connector + "'");
        return schemas.computeIfAbsent(normalized, topic -> {
            try {
                return Optional.of(admin.schemas().getSchemaInfo(topic));
            } catch (PulsarAdminException.NotFoundException e) {
                if (!exists(topic)) {
                    throw new IllegalArgumentException("topic '" + topic + "' does not exist");
                }
                return Optional.empty();
            } catch (PulsarAdminException e) {
                throw new IllegalStateException("cannot read the schema of topic '" + topic + "': "
                        + PulsarErrors.reason(e), e);
            }
        });
    }

    private boolean exists(String normalized) {
        TopicName name = TopicName.get(normalized);
        try {
            return admin.topics().getList(name.getNamespace()).contains(normalized)
                    || admin.topics().getPartitionedTopicList(name.getNamespace()).contains(normalized);
        } catch (PulsarAdminException e) {
            throw new IllegalStateException("cannot list the topics of namespace '" + name.getNamespace() + "': "
                    + PulsarErrors.reason(e), e);
        }
    }
}
