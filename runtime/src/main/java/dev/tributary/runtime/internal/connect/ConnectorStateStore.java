package dev.tributary.runtime.internal.connect;

import dev.tributary.dsl.connect.ConnectorState;
import dev.tributary.runtime.internal.pulsar.Producers;
import dev.tributary.runtime.internal.pulsar.PulsarErrors;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pulsar.client.admin.PulsarAdmin;
import org.apache.pulsar.client.api.Message;
import org.apache.pulsar.client.api.MessageId;
import org.apache.pulsar.client.api.Producer;
import org.apache.pulsar.client.api.PulsarClientException;
import org.apache.pulsar.client.api.Reader;
import org.apache.pulsar.client.api.Schema;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A connector's state: its compacted topic read whole when opened, then followed by a thread of its
 * own. What the topic says is kept apart from this instance's writes it has not read back yet, so that
 * a put is seen here at once and yet the topic's order decides between instances (the last write in
 * the topic wins everywhere), and a write the broker refused leaves no trace.
 */
final class ConnectorStateStore implements ConnectorState, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ConnectorStateStore.class);
    /** Which write a message is, so that a writer knows its own when it reads them back. */
    static final String STAMP = "tributary-state-write";

    private record Write(String stamp, byte[] value) {
    }

    private final String connector;
    private final String topic;
    private final long timeoutMillis;
    private final Map<String, byte[]> followed = new ConcurrentHashMap<>();
    private final Map<String, Write> unread = new ConcurrentHashMap<>();
    private final String writer = UUID.randomUUID().toString();
    private final AtomicLong writes = new AtomicLong();
    private final Reader<byte[]> reader;
    private final Producer<byte[]> producer;
    private final Thread follower;
    private volatile boolean closed;

    private ConnectorStateStore(String connector, String topic, long timeoutMillis, Reader<byte[]> reader,
                                Producer<byte[]> producer) {
        this.connector = connector;
        this.topic = topic;
        this.timeoutMillis = timeoutMillis;
        this.reader = reader;
        this.producer = producer;
        this.follower = new Thread(this::follow, "tributary-connector-" + connector + "-state");
        this.follower.setDaemon(true);
    }

    static String topic(String internalNamespace, String applicationId, String connector) {
        return "persistent://" + internalNamespace + "/" + applicationId + "-connector-" + connector + "-state";
    }

    /**
     * Creates the topic if needed, reads it whole and starts following it.
     *
     * @throws IllegalStateException naming the topic if it cannot be read within the timeout
     */
    static ConnectorStateStore open(String connector, Producers producers, PulsarAdmin admin, String topic,
                                    long timeoutMillis) {
        Reader<byte[]> reader = null;
        try {
            SourcePositions.createCompacted(admin, topic, "connector state");
            reader = producers.client().newReader(Schema.BYTES).topic(topic).startMessageId(MessageId.earliest)
                    .readCompacted(true).create();
            Producer<byte[]> producer = producers.to(topic, Schema.BYTES).enableBatching(false).create();
            ConnectorStateStore store = new ConnectorStateStore(connector, topic, timeoutMillis, reader, producer);
            SourcePositions.readToEnd(reader, timeoutMillis, store::apply);
            store.follower.start();
            return store;
        } catch (Exception e) {
            if (reader != null) {
                reader.closeAsync();
            }
            throw new IllegalStateException("connector '" + connector + "' cannot read its state from topic '" + topic
                    + "': " + PulsarErrors.reason(e), e);
        }
    }

    private void follow() {
        while (!closed) {
            try {
                Message<byte[]> message = reader.readNext(1, TimeUnit.SECONDS);
                if (message != null) {
                    apply(message);
                }
            } catch (PulsarClientException e) {
                if (closed) {
                    return;
                }
                // The client reconnects by itself; the reader goes on where it was.
                LOG.warn("Connector '{}' could not follow its state topic '{}': {}", connector, topic,
                        PulsarErrors.reason(e));
                sleepQuietly();
            }
        }
    }

    private static void sleepQuietly() {
        try {
            Thread.sleep(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void apply(Message<byte[]> message) {
        if (!message.hasKey()) {
            return;
        }
        String key = message.getKey();
        byte[] value = message.getData();
        if (value == null || value.length == 0) {
            followed.remove(key);
        } else {
            followed.put(key, value);
        }
        Write mine = unread.get(key);
        if (mine != null && mine.stamp().equals(message.getProperty(STAMP))) {
            unread.remove(key, mine);
        }
    }

    @Override
    public Optional<byte[]> get(String key) {
        Write mine = unread.get(key);
        byte[] value = mine != null ? mine.value() : followed.get(key);
        return value == null || value.length == 0 ? Optional.empty() : Optional.of(value.clone());
    }

    @Override
    public CompletableFuture<Void> put(String key, byte[] value) {
        if (value == null || value.length == 0) {
            throw new IllegalArgumentException("connector '" + connector + "': the state value of '" + key
                    + "' is empty; delete the name instead");
        }
        return write(key, value.clone());
    }

    @Override
    public CompletableFuture<Void> delete(String key) {
        return write(key, new byte[0]);
    }

    private CompletableFuture<Void> write(String key, byte[] value) {
        if (closed) {
            throw new IllegalStateException("connector '" + connector + "': the job is stopping; its state is closed");
        }
        Write write = new Write(writer + ":" + writes.incrementAndGet(), value);
        unread.put(key, write);
        return producer.newMessage().key(key).value(value).property(STAMP, write.stamp()).sendAsync()
                .orTimeout(timeoutMillis, TimeUnit.MILLISECONDS)
                .handle((id, error) -> {
                    if (error != null) {
                        unread.remove(key, write);
                        throw new IllegalStateException("connector '" + connector + "': state topic '" + topic
                                + "' did not store '" + key + "': " + PulsarErrors.reason(error), error);
                    }
                    return null;
                });
    }

    @Override
    public void close() {
        closed = true;
        follower.interrupt();
        producer.closeAsync();
        reader.closeAsync();
    }
}
