package dev.tributary.dsl.plan;

import java.util.List;
import dev.tributary.dsl.ValueMapperWithKey;

/**
 * Maps a table's updated values; deletions pass unchanged.
 *
 * @param name the node name
 * @param parent the node read from
 * @param mapper computes the new value
 */
public record TableMapValuesNode(String name, String parent, ValueMapperWithKey<Object, Object, Object> mapper) implements PlanNode {
    @Override
    public List<String> parents() {
        return List.of(parent);
    }

    @Override
    public String kind() {
        return "table-map-values";
    }
}
