package dev.tributary.dsl.plan;

import dev.tributary.dsl.ValueJoiner;
import dev.tributary.dsl.ValueMapper;
import java.util.List;

/**
 * One step of a foreign-key table join: the left table (keyed by {@code K}) joins the right table
 * (keyed by {@code KO}) on the key {@code extractor} computes from each left value. Left updates
 * travel to the right key's key group as subscriptions (through an internal topic keyed by the right
 * key), are answered with the right value there, now and whenever it changes, and the answers travel
 * back (through an internal topic keyed by the left key), where an answer to a left value no longer
 * current is dropped.
 *
 * @param name the node name
 * @param parent the node whose records arrive here
 * @param role which step this is
 * @param spec what every step of the join shares
 */
public record ForeignKeyJoinNode(String name, String parent, Role role, Spec spec) implements PlanNode {
    /** The steps, in the order records pass them. */
    public enum Role {
        /** A left update: (un)subscribes its old and new right key; in the left key group. */
        SUBSCRIBE,
        /** A left update that needs no answer: a deletion, or a value with no right key. */
        LOCAL,
        /** A subscription: kept, and answered with the right value; in the right key group. */
        RESPOND,
        /** A right update: answered to every left key subscribed to it. */
        RIGHT_UPDATE,
        /** An answer: joined with the left value if it answers the current one; in the left key group. */
        RESULT
    }

    /**
     * What the steps of one foreign-key join share.
     *
     * @param join the join's name
     * @param leftStore the left table's store
     * @param rightStore the right table's store
     * @param foreignKeys each left key's current right key, for unsubscribing it when it changes
     * @param subscriptions the left keys subscribed to each right key, in the right key's key group
     * @param extractor computes the right key from a left value
     * @param joiner combines the left value and the right value
     * @param left whether a left value with no right row is joined with null (else it has no result)
     */
    public record Spec(String join, StoreSpec leftStore, StoreSpec rightStore, StoreSpec foreignKeys,
                       StoreSpec subscriptions, ValueMapper<Object, Object> extractor,
                       ValueJoiner<Object, Object, Object> joiner, boolean left) {
    }

    @Override
    public List<String> parents() {
        return List.of(parent);
    }

    @Override
    public String kind() {
        return "foreign-key-" + (spec.left() ? "left-" : "") + "join-" + role.name().toLowerCase(java.util.Locale.ROOT)
                .replace('_', '-');
    }

    @Override
    public String details() {
        return switch (role) {
            case SUBSCRIBE -> "right keys in store " + spec.foreignKeys().name();
            case RESPOND, RIGHT_UPDATE -> "subscriptions in store " + spec.subscriptions().name() + ", right table "
                    + spec.rightStore().name();
            case RESULT, LOCAL -> "left table " + spec.leftStore().name();
        };
    }
}
