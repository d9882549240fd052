package dev.tributary.dsl.internal;

import dev.tributary.dsl.Named;
import dev.tributary.dsl.Stream;
import dev.tributary.dsl.Table;
import dev.tributary.dsl.TopologyException;
import dev.tributary.dsl.ValueJoiner;
import dev.tributary.dsl.plan.MaterializeNode;
import dev.tributary.dsl.plan.RepartitionNode;
import dev.tributary.dsl.plan.Schemas;
import dev.tributary.dsl.plan.StoreSpec;
import dev.tributary.dsl.plan.StreamTableJoinNode;
import dev.tributary.dsl.plan.TableTableJoinNode;
import dev.tributary.dsl.state.Materialized;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import org.apache.pulsar.client.api.Schema;
import org.apache.pulsar.common.schema.SchemaInfo;

/** Builds joins and {@code toTable} for {@link StreamImpl}: the checks that both sides meet, then the nodes. */
@SuppressWarnings({"unchecked", "rawtypes"})
final class Joins {
    private Joins() {
    }

    static <K, V, VT, VR> Stream<K, VR> streamTable(StreamImpl<K, V> stream, Table<K, VT> table,
                                                    ValueJoiner<? super V, ? super VT, ? extends VR> joiner,
                                                    Named named, boolean left) {
        Objects.requireNonNull(table, "table");
        Objects.requireNonNull(joiner, "joiner");
        PlanGraph graph = stream.graph();
        String kind = left ? "left-join" : "join";
        String name = graph.name(named, kind);
        if (!(table instanceof TableImpl<?, ?> other) || other.graph() != graph) {
            throw new TopologyException(kind + " '" + name + "': the table belongs to another StreamBuilder");
        }
        if (other.storeName() == null) {
            throw new TopologyException(kind + " '" + name + "': the table (node '" + other.nodeName()
                    + "') has no store of its own, as a filter or mapValues of a table has not; join with the table"
                    + " it comes from, or keep it in a store with toStream().toTable(Materialized.as(...))");
        }
        Schema<K> keys = stream.keySchema() != null ? stream.keySchema() : (Schema<K>) other.keySchema();
        requireSameKeys(kind, name, keys, other.keySchema());
        String parent = repartitionIfRekeyed(stream, keys, stream.valueSchema(), kind, name);
        graph.add(new StreamTableJoinNode(name, parent, other.storeName(), (ValueJoiner) joiner, left));
        return new StreamImpl<>(graph, name, keys, null, false);
    }

    static <K, V, VO, VR> Table<K, VR> tableTable(TableImpl<K, V> left, Table<K, VO> right,
                                                  ValueJoiner<? super V, ? super VO, ? extends VR> joiner,
                                                  TableTableJoinNode.Kind kind) {
        Objects.requireNonNull(right, "other table");
        Objects.requireNonNull(joiner, "joiner");
        PlanGraph graph = left.graph();
        String what = "table-" + kind.name().toLowerCase(java.util.Locale.ROOT) + "-join";
        String name = graph.name((String) null, what);
        if (!(right instanceof TableImpl<?, ?> other) || other.graph() != graph) {
            throw new TopologyException(what + " '" + name + "': the other table belongs to another StreamBuilder");
        }
        requireStores(what, name, left, other);
        requireSameKeys(what, name, left.keySchema(), other.keySchema());
        ValueJoiner<Object, Object, Object> join = (ValueJoiner) joiner;
        String leftSide = name + "-left";
        String rightSide = name + "-right";
        graph.add(new TableTableJoinNode(leftSide, left.nodeName(), other.storeName(), join, true, kind));
        graph.add(new TableTableJoinNode(rightSide, other.nodeName(), left.storeName(), join, false, kind));
        graph.add(new dev.tributary.dsl.plan.MergeNode(name, List.of(leftSide, rightSide)));
        return new TableImpl<>(graph, name, null, left.keySchema(), null);
    }

    static <K, V, GK, GV, VR> Stream<K, VR> global(StreamImpl<K, V> stream, dev.tributary.dsl.GlobalTable<GK, GV> table,
                                                   dev.tributary.dsl.KeyValueMapper<? super K, ? super V, ? extends GK>
                                                           keyMapper,
                                                   ValueJoiner<? super V, ? super GV, ? extends VR> joiner, boolean left) {
        Objects.requireNonNull(table, "global table");
        Objects.requireNonNull(keyMapper, "key mapper");
        Objects.requireNonNull(joiner, "joiner");
        PlanGraph graph = stream.graph();
        String name = graph.name((String) null, left ? "global-left-join" : "global-join");
        if (!graph.has(table.name())) {
            throw new TopologyException("join '" + name + "': global table '" + table.name()
                    + "' belongs to another StreamBuilder");
        }
        // No repartition: every instance holds the whole global table, whatever the record's key.
        graph.add(new dev.tributary.dsl.plan.GlobalJoinNode(name, stream.nodeName(), table.name(),
                (dev.tributary.dsl.KeyValueMapper) keyMapper, (ValueJoiner) joiner, left));
        return new StreamImpl<>(graph, name, stream.keySchema(), null, stream.keyChanged());
    }

    static <K, V, VO, VR> Stream<K, VR> streamStream(StreamImpl<K, V> left, Stream<K, VO> right,
                                                     ValueJoiner<? super V, ? super VO, ? extends VR> joiner,
                                                     dev.tributary.dsl.JoinWindows windows,
                                                     dev.tributary.dsl.StreamJoined<K, V, VO> joined,
                                                     TableTableJoinNode.Kind kind) {
        Objects.requireNonNull(right, "other stream");
        Objects.requireNonNull(joiner, "joiner");
        Objects.requireNonNull(windows, "join windows");
        PlanGraph graph = left.graph();
        String what = "stream-" + kind.name().toLowerCase(java.util.Locale.ROOT) + "-join";
        String name = graph.name(joined == null ? null : joined.name(), what);
        if (!(right instanceof StreamImpl<?, ?> other) || other.graph() != graph) {
            throw new TopologyException(what + " '" + name + "': the other stream belongs to another StreamBuilder");
        }
        StreamImpl<K, VO> that = (StreamImpl<K, VO>) other;
        Schema<K> keys = joined != null && joined.keySchema() != null ? joined.keySchema()
                : left.keySchema() != null ? left.keySchema() : that.keySchema();
        if (joined == null || joined.keySchema() == null) {
            requireSameKeys(what, name, left.keySchema(), that.keySchema());
        }
        Schema<V> values = joined != null && joined.valueSchema() != null ? joined.valueSchema() : left.valueSchema();
        Schema<VO> otherValues = joined != null && joined.otherValueSchema() != null ? joined.otherValueSchema()
                : that.valueSchema();
        if (keys == null || values == null || otherValues == null) {
            String missing = keys == null ? "key schema" : values == null ? "value schema of this stream (after node '"
                    + left.nodeName() + "')" : "value schema of the other stream (after node '" + that.nodeName() + "')";
            throw new TopologyException(what + " '" + name + "' keeps both sides' records in window stores, and the "
                    + missing + " is unknown: pass the schemas with StreamJoined.with(keySchema, valueSchema,"
                    + " otherValueSchema)");
        }
        long before = windows.before().toMillis();
        long after = windows.after().toMillis();
        long grace = windows.grace().toMillis();
        String leftParent = repartitionIfRekeyed(left, keys, values, what, name);
        String rightParent = repartitionIfRekeyed(that, keys, otherValues, what, name);
        dev.tributary.dsl.plan.WindowSpec leftWindows = dev.tributary.dsl.plan.WindowSpec.join(before, after, grace);
        dev.tributary.dsl.plan.WindowSpec rightWindows = dev.tributary.dsl.plan.WindowSpec.join(after, before, grace);
        StoreSpec leftStore = new StoreSpec(name + "-this-store", keys, values, dev.tributary.dsl.state.StoreType.ROCKSDB,
                false, true, leftWindows);
        StoreSpec rightStore = new StoreSpec(name + "-other-store", keys, otherValues,
                dev.tributary.dsl.state.StoreType.ROCKSDB, false, true, rightWindows);
        graph.addStore(leftStore);
        graph.addStore(rightStore);
        ValueJoiner<Object, Object, Object> join = (ValueJoiner) joiner;
        String leftSide = name + "-this";
        String rightSide = name + "-other";
        graph.add(new dev.tributary.dsl.plan.StreamStreamJoinNode(leftSide, leftParent, name, leftStore, rightStore, join,
                true, kind, before, after, grace));
        graph.add(new dev.tributary.dsl.plan.StreamStreamJoinNode(rightSide, rightParent, name, rightStore, leftStore, join,
                false, kind, before, after, grace));
        graph.add(new dev.tributary.dsl.plan.MergeNode(name, List.of(leftSide, rightSide)));
        return new StreamImpl<>(graph, name, keys, null, false);
    }

    static <K, V> Table<K, V> toTable(StreamImpl<K, V> stream, Materialized<K, V> materialized) {
        PlanGraph graph = stream.graph();
        String name = graph.name((String) null, "to-table");
        if (materialized == null && (stream.keySchema() == null || stream.valueSchema() == null)) {
            throw new TopologyException("to-table '" + name + "': the stream's " + (stream.keySchema() == null ? "key"
                    : "value") + " schema is unknown after node '" + stream.nodeName() + "'; call toTable(Materialized"
                    + ".with(keySchema, valueSchema)) or set it on the stream first");
        }
        MaterializedInternal<K, V> options = new MaterializedInternal<>(materialized != null ? materialized
                : Materialized.with(stream.keySchema(), stream.valueSchema()));
        Schema<K> keys = options.keySchema() != null ? options.keySchema() : stream.keySchema();
        Schema<V> values = options.valueSchema() != null ? options.valueSchema() : stream.valueSchema();
        if (keys == null || values == null) {
            throw new TopologyException("to-table '" + name + "': the stream's " + (keys == null ? "key" : "value")
                    + " schema is unknown after node '" + stream.nodeName() + "'; pass it with Materialized."
                    + (keys == null ? "withKeySchema" : "withValueSchema") + "(...)");
        }
        String parent = repartitionIfRekeyed(stream, keys, values, "to-table", name);
        StoreSpec store = new StoreSpec(options.storeName() != null ? options.storeName() : name + "-store", keys,
                values, options.storeType(), options.cachingEnabled(), options.loggingEnabled());
        graph.addStore(store);
        graph.add(new MaterializeNode(name, parent, store));
        return new TableImpl<>(graph, name, store.name(), keys, values);
    }

    /** After a key change a keyed operator reads through a repartition topic keyed by the new key. */
    private static String repartitionIfRekeyed(StreamImpl<?, ?> stream, Schema<?> keys, Schema<?> values, String kind,
                                               String name) {
        if (!stream.keyChanged()) {
            return stream.nodeName();
        }
        if (values == null) {
            throw new TopologyException(kind + " '" + name + "' reads through a repartition topic, because node '"
                    + stream.nodeName() + "' changed the key, and the stream's value schema is unknown there: call"
                    + " withValueSchema(...) on the stream first");
        }
        String repartition = stream.graph().name((String) null, "repartition");
        stream.graph().add(new RepartitionNode(repartition, stream.nodeName(), keys, values));
        return repartition;
    }

    /** A table join reads both tables' stores: a table from filter or mapValues has none. */
    static void requireStores(String what, String name, TableImpl<?, ?>... sides) {
        for (TableImpl<?, ?> side : sides) {
            if (side.storeName() == null) {
                throw new TopologyException(what + " '" + name + "': the table of node '" + side.nodeName()
                        + "' has no store of its own, as a filter or mapValues of a table has not; join with the"
                        + " table it comes from, or keep it in a store with toStream().toTable(Materialized.as(...))");
            }
        }
    }

    /** Both sides must encode a key to the same bytes, or the same key would land in two key groups. */
    private static void requireSameKeys(String kind, String name, Schema<?> left, Schema<?> right) {
        if (left == null || right == null) {
            return;
        }
        SchemaInfo a = left.getSchemaInfo();
        SchemaInfo b = right.getSchemaInfo();
        if (a.getType() != b.getType() || !Arrays.equals(a.getSchema(), b.getSchema())) {
            throw new TopologyException(kind + " '" + name + "': the sides' key schemas differ (" + Schemas.describe(left)
                    + " against " + Schemas.describe(right) + "); a key must encode to the same bytes on both sides"
                    + " to meet in one key group: map the stream's key to the table's key type first");
        }
    }
}
