package dev.tributary.connect.pulsario;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.pulsar.functions.api.Record;
import org.apache.pulsar.io.core.Sink;
import org.apache.pulsar.io.core.SinkContext;

/** A Pulsar IO sink that records, per sink name, the schema types its records carry. */
public class SchemaRecordingSink implements Sink<Object> {
    static final Map<String, Set<String>> SEEN = new ConcurrentHashMap<>();
    private String name;

    @Override
    public void open(Map<String, Object> config, SinkContext context) {
        name = context.getSinkName();
    }

    @Override
    public void write(Record<Object> record) {
        SEEN.computeIfAbsent(name, n -> ConcurrentHashMap.newKeySet())
                .add(record.getSchema().getSchemaInfo().getType() + ":" + record.getValue().getClass().getSimpleName());
        record.ack();
    }

    @Override
    public void close() {
    }
}
