package dev.tributary.connect.pulsario;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.apache.pulsar.functions.api.Record;
import org.apache.pulsar.io.core.Sink;
import org.apache.pulsar.io.core.SinkContext;

/**
 * A Pulsar IO sink that appends values to a file and acks from a thread of its own, as asynchronous
 * sinks do; it fails the first attempt of every value ending in 7.
 */
public class LineFileSink implements Sink<String> {
    private final Set<String> failedOnce = ConcurrentHashMap.newKeySet();
    private ExecutorService writer;
    private Path path;

    @Override
    public void open(Map<String, Object> config, SinkContext context) {
        path = Path.of((String) config.get("path"));
        writer = Executors.newSingleThreadExecutor();
    }

    @Override
    public void write(Record<String> record) {
        writer.execute(() -> {
            String value = record.getValue();
            if (value.endsWith("7") && failedOnce.add(value)) {
                record.fail();
                return;
            }
            try {
                Files.writeString(path, record.getKey().orElse("") + "=" + value + "\n", StandardCharsets.UTF_8,
                        StandardOpenOption.CREATE, StandardOpenOption.APPEND);
                record.ack();
            } catch (IOException e) {
                record.fail();
            }
        });
    }

    @Override
    public void close() {
        if (writer != null) {
            writer.shutdown();
        }
    }
}
