package dev.tributary.runtime.internal.changelog;

import dev.tributary.dsl.plan.StoreSpec;
import dev.tributary.dsl.state.StoreType;
import dev.tributary.state.Checkpoint;
import dev.tributary.state.StateDirectory;
import java.nio.file.Path;
import java.util.Map;
import org.apache.pulsar.client.api.MessageId;
import org.apache.pulsar.client.api.MessageIdAdv;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A store's checkpoint file: per key group, the changelog position its local files reflect. One that
 * cannot be read means a full restore, never a failed start.
 */
final class ChangelogCheckpoints {
    private static final Logger LOG = LoggerFactory.getLogger(ChangelogCheckpoints.class);

    private ChangelogCheckpoints() {
    }

    /** @return a store's positions per key group; empty for a store in memory, or a file missing or torn */
    static Map<Integer, byte[]> read(StoreSpec store, StateDirectory directory) {
        if (store.type() == StoreType.IN_MEMORY) {
            return Map.of();
        }
        try {
            return Checkpoint.read(file(directory, store.name())).orElse(Map.of());
        } catch (Checkpoint.CorruptCheckpointException e) {
            LOG.warn("{}; wiping the local state of store '{}' and restoring it from its changelog", e.getMessage(),
                    store.name());
            return Map.of();
        }
    }

    /** @return the position, or null (logged) when it cannot be read and the key group restores in full */
    static MessageIdAdv parsePosition(StoreSpec store, int group, byte[] position) {
        try {
            return (MessageIdAdv) MessageId.fromByteArray(position);
        } catch (Exception e) {
            LOG.warn("store '{}': unreadable checkpoint position for key group {}; restoring it in full",
                    store.name(), group);
            return null;
        }
    }

    /** Writes a store's positions, unless it is held in memory (rebuilt at every start). */
    static void write(StoreSpec store, StateDirectory directory, Map<Integer, byte[]> positions) {
        if (store.type() != StoreType.IN_MEMORY) {
            Checkpoint.write(file(directory, store.name()), positions);
        }
    }

    /** @return where a store's checkpoint lives */
    static Path file(StateDirectory directory, String store) {
        return directory.storeDirectory(store).resolve("checkpoint");
    }
}
