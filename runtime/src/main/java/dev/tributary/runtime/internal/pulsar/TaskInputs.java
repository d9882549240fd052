package dev.tributary.runtime.internal.pulsar;

import dev.tributary.dsl.config.Configuration;
import dev.tributary.runtime.internal.compile.CompiledTopology;
import dev.tributary.runtime.internal.compile.SourceSpec;
import dev.tributary.runtime.internal.core.TaskCore;
import java.util.ArrayList;
import java.util.List;
import org.apache.pulsar.client.api.Consumer;
import org.apache.pulsar.client.api.Range;

/** Subscribes every source of a task; if one fails, closes the ones already open. */
public final class TaskInputs {
    private TaskInputs() {
    }

    public static List<Input> subscribe(PulsarConnections connections, CompiledTopology compiled, TaskCore core,
                                        String subscription, List<Range> ranges, Configuration config) {
        InputSubscriptions.prepare(connections.admin(), compiled.sources(), subscription, config);
        List<Input> inputs = new ArrayList<>();
        try {
            for (SourceSpec source : compiled.sources()) {
                Consumer<Object> consumer = InputSubscriptions.subscribe(connections.client(), connections.admin(),
                        source, subscription, subscription + "-" + source.name(), ranges, config);
                inputs.add(new Input(source, consumer, core.source(source.name())));
            }
        } catch (RuntimeException e) {
            inputs.forEach(input -> input.consumer.closeAsync());
            throw e;
        }
        return inputs;
    }
}
