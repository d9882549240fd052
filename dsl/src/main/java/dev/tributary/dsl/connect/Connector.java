package dev.tributary.dsl.connect;

import dev.tributary.dsl.config.ConfigOption;
import java.util.List;

/**
 * What sources and sinks have in common: the settings they read, and closing.
 */
public interface Connector extends AutoCloseable {
    /**
     * The settings this connector reads, keys without the {@code connector.<name>.} prefix. The runtime
     * checks them before {@code open}: a missing required value, a value breaking its rule, or a key
     * under the prefix that no option names (with the closest one suggested) stops the start with a
     * message naming the full key.
     *
     * @return the options; empty by default
     */
    default List<ConfigOption<?>> options() {
        return List.of();
    }

    /**
     * Releases what {@code open} acquired. Called once, also after a failed {@code open}.
     *
     * @throws Exception if releasing fails; it is logged
     */
    @Override
    void close() throws Exception;
}
