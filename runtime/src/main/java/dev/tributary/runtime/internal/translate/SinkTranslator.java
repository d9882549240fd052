package dev.tributary.runtime.internal.translate;

import dev.tributary.dsl.TopicNameExtractor;
import dev.tributary.dsl.Windowed;
import dev.tributary.dsl.plan.SinkNode;
import dev.tributary.dsl.processor.Record;
import dev.tributary.runtime.internal.compile.NodeTranslator;
import dev.tributary.runtime.internal.compile.Sinks;
import dev.tributary.runtime.internal.compile.TopicNames;
import dev.tributary.runtime.internal.compile.TranslationContext;
import dev.tributary.runtime.internal.core.ProcessingException;
import dev.tributary.runtime.internal.core.Processor;
import dev.tributary.runtime.internal.core.RecordCollector;
import dev.tributary.runtime.internal.core.SinkTarget;
import java.util.HashMap;
import java.util.Map;

public final class SinkTranslator implements NodeTranslator<SinkNode> {
    @Override
    public Class<SinkNode> nodeType() {
        return SinkNode.class;
    }

    @Override
    public Processor translate(SinkNode node, TranslationContext context) {
        RecordCollector collector = context.collector();
        SinkTarget target = Sinks.target(node, context.keyGroups());
        Processor write = write(node, target, collector);
        // A windowed key is written as its plain key, so results stay in the key's key group; the window rides along.
        WindowProperties windows = new WindowProperties();
        return record -> {
            if (!(record.key() instanceof Windowed<?> key)) {
                write.process(record);
                return;
            }
            write.process(new Record<>(key.key(), record.value(), record.timestamp(), windows.of(key, record.properties())));
        };
    }

    /** A windowed result's properties: its own, and its window's bounds. */
    static final class WindowProperties {
        private long start = Long.MIN_VALUE;
        private long end = Long.MIN_VALUE;
        private Map<String, String> bounds;

        Map<String, String> of(Windowed<?> key, Map<String, String> own) {
            // Results of one window mostly follow each other: its bounds are formatted once, not per record.
            if (bounds == null || key.start() != start || key.end() != end) {
                start = key.start();
                end = key.end();
                bounds = Map.of(Windowed.START_PROPERTY, Long.toString(start), Windowed.END_PROPERTY, Long.toString(end));
            }
            if (own.isEmpty()) {
                return bounds;
            }
            Map<String, String> properties = new HashMap<>(own);
            properties.putAll(bounds);
            return properties;
        }
    }

    private static Processor write(SinkNode node, SinkTarget target, RecordCollector collector) {
        if (node.topic() != null) {
            String topic = TopicNames.normalize(node.topic(), "sink '" + node.name() + "'");
            return record -> collector.send(topic, target, record);
        }
        TopicNameExtractor<Object, Object> extractor = node.topicExtractor();
        String where = "sink '" + node.name() + "'";
        // Per-task cache: extracted names repeat, and parsing a topic name per record is wasteful.
        Map<String, String> normalized = new HashMap<>();
        return record -> {
            String raw;
            try {
                raw = extractor.topic(record.key(), record.value());
            } catch (RuntimeException e) {
                throw new ProcessingException(node.name(), e);
            }
            if (raw == null) {
                throw new ProcessingException(node.name(), new NullPointerException("the topic extractor returned null"));
            }
            String topic = normalized.get(raw);
            if (topic == null) {
                try {
                    topic = TopicNames.normalize(raw, where);
                } catch (RuntimeException e) {
                    throw new ProcessingException(node.name(), e);
                }
                if (normalized.size() < 10_000) {
                    normalized.put(raw, topic);
                }
            }
            collector.send(topic, target, record);
        };
    }
}
