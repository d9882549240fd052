package dev.tributary.runtime.internal.translate;

import dev.tributary.dsl.processor.Record;
import dev.tributary.runtime.internal.core.Processor;
import dev.tributary.runtime.internal.state.TaskState;
import dev.tributary.state.RecordCache;
import java.util.Map;
import org.apache.pulsar.client.api.Schema;

/**
 * Emits a stored table's updates downstream: as its record cache writes them out (one per changed
 * key per commit), or at once when the store has no cache or tables emit on every update.
 */
final class TableEmitter {
    private final boolean atFlush;

    @SuppressWarnings("unchecked")
    TableEmitter(String store, TaskState state, Processor next) {
        RecordCache cache = state.emittingCache(store);
        this.atFlush = cache != null;
        if (atFlush) {
            Schema<Object> keys = (Schema<Object>) state.spec(store).keySchema();
            Schema<Object> values = (Schema<Object>) state.spec(store).valueSchema();
            // The cache keeps no timestamps; an update written out at the commit carries stream time.
            cache.onFlush((group, key, value) -> next.process(new Record<>(keys.decode(key),
                    value == null ? null : values.decode(value), state.punctuations().streamTime(), Map.of())));
        }
    }

    /** Whether the caller must forward each update itself. */
    boolean emitsAtOnce() {
        return !atFlush;
    }
}
