package dev.tributary.connect.pulsario;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pulsar.functions.api.Record;
import org.apache.pulsar.io.core.PushSource;
import org.apache.pulsar.io.core.SourceContext;

/** A Pulsar IO push source as connector authors write them: a thread of its own pushes records. */
public class TicketSource extends PushSource<String> {
    static final AtomicInteger ACKED = new AtomicInteger();
    static final AtomicInteger FAILED = new AtomicInteger();
    private Thread producer;

    @Override
    public void open(Map<String, Object> config, SourceContext context) {
        int count = ((Number) config.get("count")).intValue();
        String prefix = (String) config.get("prefix");
        context.recordMetric("configured", count);
        producer = new Thread(() -> {
            for (int i = 0; i < count && !Thread.currentThread().isInterrupted(); i++) {
                String key = "k" + (i % 50);
                String value = prefix + i;
                consume(new Record<>() {
                    @Override
                    public Optional<String> getKey() {
                        return Optional.of(key);
                    }

                    @Override
                    public String getValue() {
                        return value;
                    }

                    @Override
                    public void ack() {
                        ACKED.incrementAndGet();
                    }

                    @Override
                    public void fail() {
                        FAILED.incrementAndGet();
                    }
                });
            }
        }, "ticket-source");
        producer.start();
    }

    @Override
    public void close() {
        if (producer != null) {
            producer.interrupt();
        }
    }
}
