package dev.tributary.dsl.internal;

import dev.tributary.dsl.Table;
import dev.tributary.dsl.TopologyException;
import dev.tributary.dsl.ValueJoiner;
import dev.tributary.dsl.ValueMapper;
import dev.tributary.dsl.plan.ForeignKeyJoinNode;
import dev.tributary.dsl.plan.ForeignKeyJoinNode.Role;
import dev.tributary.dsl.plan.MergeNode;
import dev.tributary.dsl.plan.RepartitionNode;
import dev.tributary.dsl.plan.StoreSpec;
import dev.tributary.dsl.state.StoreType;
import java.util.List;
import java.util.Objects;
import org.apache.pulsar.client.api.Schema;

/**
 * Builds a foreign-key table join: subscribe and local steps on the left table, a subscription topic
 * keyed by the right key, respond and right-update steps beside the right table, a response topic
 * keyed by the left key, and the result step; the local and result steps feed the joined table.
 */
@SuppressWarnings({"unchecked", "rawtypes"})
final class ForeignKeyJoins {
    private ForeignKeyJoins() {
    }

    static <K, V, KO, VO, VR> Table<K, VR> join(TableImpl<K, V> left, Table<KO, VO> right,
                                                ValueMapper<? super V, ? extends KO> extractor,
                                                ValueJoiner<? super V, ? super VO, ? extends VR> joiner,
                                                boolean leftJoin) {
        Objects.requireNonNull(right, "other table");
        Objects.requireNonNull(extractor, "foreign key extractor");
        Objects.requireNonNull(joiner, "joiner");
        PlanGraph graph = left.graph();
        String what = leftJoin ? "foreign-key-left-join" : "foreign-key-join";
        String name = graph.name((String) null, what);
        if (!(right instanceof TableImpl<?, ?> other) || other.graph() != graph) {
            throw new TopologyException(what + " '" + name + "': the other table belongs to another StreamBuilder");
        }
        Joins.requireStores(what, name, left, other);
        StoreSpec leftStore = graph.store(left.storeName());
        StoreSpec rightStore = graph.store(other.storeName());
        // The subscriptions are keyed by the right key's bytes: they must be the right table's, to meet its rows.
        Schema<?> rightKeys = rightStore.keySchema();
        StoreSpec foreignKeys = new StoreSpec(name + "-foreign-keys", leftStore.keySchema(), rightKeys, StoreType.ROCKSDB,
                false, true);
        StoreSpec subscriptions = new StoreSpec(name + "-subscriptions", Schema.BYTES, Schema.BYTES, StoreType.ROCKSDB,
                false, true);
        graph.addStore(foreignKeys);
        graph.addStore(subscriptions);
        ForeignKeyJoinNode.Spec spec = new ForeignKeyJoinNode.Spec(name, leftStore, rightStore, foreignKeys,
                subscriptions, (ValueMapper) extractor, (ValueJoiner) joiner, leftJoin);
        String subscribe = name + "-subscribe";
        String subscriptionTopic = name + "-subscription";
        String respond = name + "-respond";
        String rightUpdate = name + "-right-update";
        String answers = name + "-answers";
        String responseTopic = name + "-response";
        String result = name + "-result";
        String local = name + "-local";
        graph.add(new ForeignKeyJoinNode(subscribe, left.nodeName(), Role.SUBSCRIBE, spec));
        graph.add(new RepartitionNode(subscriptionTopic, subscribe, rightKeys, Schema.BYTES));
        graph.add(new ForeignKeyJoinNode(respond, subscriptionTopic, Role.RESPOND, spec));
        graph.add(new ForeignKeyJoinNode(rightUpdate, other.nodeName(), Role.RIGHT_UPDATE, spec));
        graph.add(new MergeNode(answers, List.of(respond, rightUpdate)));
        graph.add(new RepartitionNode(responseTopic, answers, leftStore.keySchema(), Schema.BYTES));
        graph.add(new ForeignKeyJoinNode(result, responseTopic, Role.RESULT, spec));
        graph.add(new ForeignKeyJoinNode(local, left.nodeName(), Role.LOCAL, spec));
        graph.add(new MergeNode(name, List.of(local, result)));
        return new TableImpl<>(graph, name, null, left.keySchema(), null);
    }
}
