package dev.tributary.runtime.internal;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import org.apache.pulsar.client.api.Message;
import org.apache.pulsar.client.api.MessageId;
import org.apache.pulsar.client.internal.DefaultImplementation;
import org.apache.pulsar.common.api.EncryptionContext;

/** A message as a value, for tests of the task's bookkeeping that need no broker. */
public final class TestMessage implements Message<Object> {
    private final String topic;
    private final String key;
    private final Object value;
    private final MessageId id;

    private TestMessage(String topic, String key, Object value, MessageId id) {
        this.topic = topic;
        this.key = key;
        this.value = value;
        this.id = id;
    }

    /** A message of the topic at a ledger entry, with a string key (or none) and a value. */
    public static TestMessage of(String topic, long entry, String key, Object value) {
        return new TestMessage(topic, key, value,
                DefaultImplementation.getDefaultImplementation().newMessageId(1, entry, -1));
    }

    @Override public Map<String, String> getProperties() { return Map.of(); }
    @Override public boolean hasProperty(String name) { return false; }
    @Override public String getProperty(String name) { return null; }
    @Override public byte[] getData() { return String.valueOf(value).getBytes(StandardCharsets.UTF_8); }
    @Override public int size() { return getData().length; }
    @Override public Object getValue() { return value; }
    @Override public MessageId getMessageId() { return id; }
    @Override public long getPublishTime() { return 1; }
    @Override public long getEventTime() { return 0; }
    @Override public long getSequenceId() { return 0; }
    @Override public String getProducerName() { return "test"; }
    @Override public boolean hasKey() { return key != null; }
    @Override public String getKey() { return key; }
    @Override public boolean hasBase64EncodedKey() { return false; }
    @Override public byte[] getKeyBytes() { return key == null ? null : key.getBytes(StandardCharsets.UTF_8); }
    @Override public boolean hasOrderingKey() { return false; }
    @Override public byte[] getOrderingKey() { return null; }
    @Override public String getTopicName() { return topic; }
    @Override public Optional<EncryptionContext> getEncryptionCtx() { return Optional.empty(); }
    @Override public int getRedeliveryCount() { return 0; }
    @Override public byte[] getSchemaVersion() { return null; }
    @Override public boolean isReplicated() { return false; }
    @Override public String getReplicatedFrom() { return null; }
    @Override public void release() { }
    @Override public boolean hasBrokerPublishTime() { return false; }
    @Override public Optional<Long> getBrokerPublishTime() { return Optional.empty(); }
    @Override public boolean hasIndex() { return false; }
    @Override public Optional<Long> getIndex() { return Optional.empty(); }
}
