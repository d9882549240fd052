package dev.tributary.dsl.plan;

import java.util.List;
import dev.tributary.dsl.processor.ProcessorSupplier;

/**
 * Runs a custom processor, connected to the named stores.
 *
 * @param name the node name
 * @param parent the node read from
 * @param supplier creates the processor of each task
 * @param stores the names of the stores it may use
 */
public record ProcessNode(String name, String parent, ProcessorSupplier<Object, Object, Object, Object> supplier, List<String> stores) implements PlanNode {
    @Override
    public List<String> parents() {
        return List.of(parent);
    }

    @Override
    public String kind() {
        return "process";
    }

    @Override
    public String details() {
        return stores.isEmpty() ? "" : "stores " + stores;
    }
}
