package dev.tributary.runtime.internal.global;

import dev.tributary.dsl.Topology;
import dev.tributary.dsl.plan.GlobalTableNode;
import dev.tributary.dsl.plan.PlanNode;
import dev.tributary.runtime.JobStartException;
import dev.tributary.runtime.internal.pulsar.PulsarErrors;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.apache.pulsar.client.api.Message;
import org.apache.pulsar.client.api.MessageId;
import org.apache.pulsar.client.api.PulsarClient;
import org.apache.pulsar.client.api.Reader;
import org.apache.pulsar.client.api.Schema;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The topology's global tables, each held whole in memory by this instance: read from the start of its
 * topic before processing starts, then followed by a thread of its own. Joins read them from the task's
 * thread, so a row is a concurrent map's entry, keyed by the key's encoded bytes.
 */
public final class GlobalTables implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(GlobalTables.class);

    private final Map<String, Table> tables = new LinkedHashMap<>();
    private volatile boolean closing;

    /** None yet: {@link #of} finds a topology's. */
    public GlobalTables() {
    }

    /** One global table: its rows and, while the job runs, its reader. */
    public static final class Table {
        final GlobalTableNode node;
        final Map<ByteBuffer, Object> rows = new ConcurrentHashMap<>();
        Reader<Object> reader;
        Thread follower;
        io.micrometer.core.instrument.Counter skipped;

        Table(GlobalTableNode node) {
            this.node = node;
        }

        /** @return the row under the key, or null */
        @SuppressWarnings("unchecked")
        public Object get(Object key) {
            return rows.get(ByteBuffer.wrap(((Schema<Object>) node.keySchema()).encode(key)));
        }

        /** Applies one message of the topic (the test driver pipes them here too): null deletes. */
        public void apply(byte[] key, Object value) {
            if (key == null) {
                return;
            }
            if (value == null) {
                rows.remove(ByteBuffer.wrap(key));
            } else {
                rows.put(ByteBuffer.wrap(key), value);
            }
        }

        /** @return the value a message's bytes decode to, with the global table's schema */
        @SuppressWarnings("unchecked")
        public Object decode(byte[] value) {
            return value == null ? null : ((Schema<Object>) node.valueSchema()).decode(value);
        }

        /** @return the global table's name */
        public String name() {
            return node.name();
        }

        /** @return how many rows it holds */
        public int size() {
            return rows.size();
        }

        /** @return the topic it follows, as the topology names it */
        public String topic() {
            return node.topic();
        }
    }

    public static GlobalTables of(Topology topology) {
        GlobalTables globals = new GlobalTables();
        for (PlanNode node : topology.nodes()) {
            if (node instanceof GlobalTableNode global) {
                globals.tables.put(global.name(), new Table(global));
            }
        }
        return globals;
    }

    /** The topics the global tables read, as the topology names them. */
    public java.util.List<String> topics() {
        return tables.values().stream().map(Table::topic).toList();
    }

    public Table table(String name) {
        Table table = tables.get(name);
        if (table == null) {
            throw new IllegalArgumentException("no global table named '" + name + "'; global tables: " + tables.keySet());
        }
        return table;
    }

    /**
     * @param normalize turns a topic name into its full form
     * @return the global table read from a topic (in full form), or null
     */
    public Table ofTopic(String topic, java.util.function.UnaryOperator<String> normalize) {
        for (Table table : tables.values()) {
            if (normalize.apply(table.topic()).equals(topic)) {
                return table;
            }
        }
        return null;
    }

    public boolean isEmpty() {
        return tables.isEmpty();
    }

    /**
     * Reads every global table to the end of its topic as it is now, then follows each on a thread.
     *
     * @throws JobStartException if a topic cannot be read within the timeout
     */
    @SuppressWarnings("unchecked")
    public void start(PulsarClient client, String applicationId, Duration timeout,
                      dev.tributary.runtime.internal.metrics.TaskMetrics metrics) {
        for (Table table : tables.values()) {
            String topic = table.topic();
            table.skipped = metrics.globalTableSkipped(table.node.name(), topic);
            long began = System.nanoTime();
            try {
                table.reader = client.newReader((Schema<Object>) table.node.valueSchema()).topic(topic)
                        .startMessageId(MessageId.earliest).readerName(applicationId + "-" + table.node.name())
                        .createAsync().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
                while (table.reader.hasMessageAvailableAsync().get(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                    Message<Object> message = table.reader.readNext((int) timeout.toMillis(), TimeUnit.MILLISECONDS);
                    if (message == null) {
                        break;
                    }
                    applyOrSkip(table, message);
                }
            } catch (Exception e) {
                close();
                throw new JobStartException("cannot read global table '" + table.node.name() + "' from topic '" + topic
                        + "': " + PulsarErrors.reason(e), e);
            }
            LOG.info("Global table '{}' read {} rows from '{}' in {} ms", table.node.name(), table.size(), topic,
                    (System.nanoTime() - began) / 1_000_000);
            table.follower = new Thread(() -> follow(table), "tributary-" + applicationId + "-" + table.node.name());
            table.follower.setDaemon(true);
            table.follower.start();
        }
    }

    /** Applies the topic's new messages as they come; a broker that is away is waited for by the client. */
    private void follow(Table table) {
        while (!closing) {
            try {
                Message<Object> message = table.reader.readNext(500, TimeUnit.MILLISECONDS);
                if (message != null) {
                    applyOrSkip(table, message);
                }
            } catch (Exception e) {
                if (closing) {
                    return;
                }
                LOG.warn("Global table '{}' could not read '{}', trying again: {}", table.node.name(), table.topic(),
                        PulsarErrors.reason(e));
            }
        }
    }

    /** A message its schema cannot decode is skipped, never silently: counted, logged, and the row keeps its value. */
    private static void applyOrSkip(Table table, Message<Object> message) {
        Object value;
        try {
            value = message.getValue();
        } catch (RuntimeException e) {
            table.skipped.increment();
            LOG.warn("Global table '{}' skipped message {} of '{}' (key '{}'): its value cannot be decoded with the"
                    + " table's schema: {}", table.node.name(), message.getMessageId(), table.topic(), message.getKey(),
                    PulsarErrors.reason(e));
            return;
        }
        table.apply(message.getKeyBytes(), value);
    }

    @Override
    public void close() {
        closing = true;
        for (Table table : tables.values()) {
            if (table.follower != null) {
                try {
                    table.follower.join(2_000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            if (table.reader != null) {
                table.reader.closeAsync();
            }
        }
    }
}
