package dev.tributary.runtime.internal.translate;

import dev.tributary.dsl.plan.ForeignKeyJoinNode;
import dev.tributary.dsl.processor.Record;
import dev.tributary.runtime.internal.compile.NodeTranslator;
import dev.tributary.runtime.internal.compile.TranslationContext;
import dev.tributary.runtime.internal.core.Forward;
import dev.tributary.runtime.internal.core.ProcessingException;
import dev.tributary.runtime.internal.core.Processor;
import dev.tributary.runtime.internal.keygroup.KeyGroups;
import dev.tributary.state.BytesEntry;
import dev.tributary.state.BytesIterator;
import dev.tributary.state.StoreAccess;
import dev.tributary.state.TypedStore;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.pulsar.client.api.Schema;

/**
 * The steps of a foreign-key table join (see {@link ForeignKeyJoinNode}). A subscription carries the
 * left key and a digest of the left value it was sent for; the answer carries the digest back with
 * the right value, and the result step joins it only if the left value current there has that digest.
 *
 * <p>Subscription message: {@code op (1) | digest (16, subscribe only) | left key}. Answer message:
 * {@code digest (16) | 1 and the right value, or 0 for no row}. The subscriptions store holds
 * {@code right key length (4) | right key | left key} → digest, in the right key's key group.
 */
public final class ForeignKeyJoinTranslator implements NodeTranslator<ForeignKeyJoinNode> {
    private static final byte SUBSCRIBE = 1;
    private static final byte UNSUBSCRIBE = 2;
    private static final int DIGEST = 16;

    @Override
    public Class<ForeignKeyJoinNode> nodeType() {
        return ForeignKeyJoinNode.class;
    }

    @Override
    @SuppressWarnings("unchecked")
    public Processor translate(ForeignKeyJoinNode node, TranslationContext context) {
        Processor next = Forward.to(context.children());
        ForeignKeyJoinNode.Spec spec = node.spec();
        Schema<Object> leftKeys = (Schema<Object>) spec.leftStore().keySchema();
        Schema<Object> leftValues = (Schema<Object>) spec.leftStore().valueSchema();
        Schema<Object> rightKeys = (Schema<Object>) spec.rightStore().keySchema();
        Schema<Object> rightValues = (Schema<Object>) spec.rightStore().valueSchema();
        KeyGroups keyGroups = context.keyGroups();
        String name = node.name();
        return switch (node.role()) {
            case SUBSCRIBE -> {
                TypedStore<Object, Object> foreignKeys = context.state().store(spec.foreignKeys().name());
                yield record -> {
                    requireKey(name, record);
                    Object oldKey = foreignKeys.get(record.key());
                    Object newKey = record.value() == null ? null : extract(name, spec, record.value());
                    byte[] oldBytes = oldKey == null ? null : rightKeys.encode(oldKey);
                    byte[] newBytes = newKey == null ? null : rightKeys.encode(newKey);
                    byte[] leftKey = leftKeys.encode(record.key());
                    if (oldBytes != null && !Arrays.equals(oldBytes, newBytes)) {
                        next.process(new Record<>(oldKey, ByteBuffer.allocate(1 + leftKey.length).put(UNSUBSCRIBE)
                                .put(leftKey).array(), record.timestamp()));
                    }
                    if (newBytes != null) {
                        next.process(new Record<>(newKey, ByteBuffer.allocate(1 + DIGEST + leftKey.length).put(SUBSCRIBE)
                                .put(digest(leftValues.encode(record.value()))).put(leftKey).array(), record.timestamp()));
                    }
                    if (!Arrays.equals(oldBytes, newBytes)) {
                        foreignKeys.put(record.key(), newKey);
                    }
                };
            }
            case LOCAL -> record -> {
                // A deletion, or a value pointing nowhere, is answered here: there is no row to wait for.
                if (record.value() == null) {
                    next.process(record);
                } else if (extract(name, spec, record.value()) == null) {
                    next.process(record.withValue(spec.left() ? Joiners.join(name, spec.joiner(), record.value(), null)
                            : null));
                }
            };
            case RESPOND -> {
                StoreAccess subscriptions = context.state().logged(spec.subscriptions().name());
                StoreAccess rightRows = context.state().access(spec.rightStore().name());
                yield record -> {
                    requireKey(name, record);
                    byte[] rightKey = rightKeys.encode(record.key());
                    int group = keyGroups.ofKeyBytes(rightKey);
                    byte[] message = (byte[]) record.value();
                    if (message[0] == UNSUBSCRIBE) {
                        subscriptions.put(group, subscription(rightKey, message, 1), null);
                        return;
                    }
                    byte[] digest = Arrays.copyOfRange(message, 1, 1 + DIGEST);
                    byte[] leftKey = Arrays.copyOfRange(message, 1 + DIGEST, message.length);
                    subscriptions.put(group, subscription(rightKey, message, 1 + DIGEST), digest);
                    next.process(new Record<>(leftKeys.decode(leftKey), answer(digest, rightRows.get(group, rightKey)),
                            record.timestamp()));
                };
            }
            case RIGHT_UPDATE -> {
                StoreAccess subscriptions = context.state().logged(spec.subscriptions().name());
                yield record -> {
                    requireKey(name, record);
                    byte[] rightKey = rightKeys.encode(record.key());
                    int group = keyGroups.ofKeyBytes(rightKey);
                    byte[] row = record.value() == null ? null : rightValues.encode(record.value());
                    byte[] prefix = ByteBuffer.allocate(4 + rightKey.length).putInt(rightKey.length).put(rightKey).array();
                    List<BytesEntry> subscribed = new ArrayList<>();
                    try (BytesIterator range = subscriptions.store().range(group, prefix, null)) {
                        while (range.hasNext()) {
                            BytesEntry entry = range.next();
                            if (!startsWith(entry.key(), prefix)) {
                                break;
                            }
                            subscribed.add(entry);
                        }
                    }
                    for (BytesEntry entry : subscribed) {
                        byte[] leftKey = Arrays.copyOfRange(entry.key(), prefix.length, entry.key().length);
                        next.process(new Record<>(leftKeys.decode(leftKey), answer(entry.value(), row), record.timestamp()));
                    }
                };
            }
            case RESULT -> {
                TypedStore<Object, Object> leftRows = context.state().store(spec.leftStore().name());
                yield record -> {
                    requireKey(name, record);
                    Object current = leftRows.get(record.key());
                    byte[] message = (byte[]) record.value();
                    // An answer to a value since changed or deleted: a newer answer is on its way, or none is due.
                    if (current == null || !Arrays.equals(digest(leftValues.encode(current)),
                            Arrays.copyOfRange(message, 0, DIGEST))) {
                        return;
                    }
                    Object row = message[DIGEST] == 1
                            ? rightValues.decode(Arrays.copyOfRange(message, DIGEST + 1, message.length)) : null;
                    if (row == null && !spec.left()) {
                        next.process(record.withValue(null));
                    } else {
                        next.process(record.withValue(Joiners.join(name, spec.joiner(), current, row)));
                    }
                };
            }
        };
    }

    private static void requireKey(String node, Record<Object, Object> record) {
        if (record.key() == null) {
            throw ProcessingException.invalid(node, "a table update without a key cannot be joined");
        }
    }

    private static Object extract(String node, ForeignKeyJoinNode.Spec spec, Object value) {
        try {
            return spec.extractor().apply(value);
        } catch (RuntimeException e) {
            throw new ProcessingException(node, e);
        }
    }

    private static byte[] subscription(byte[] rightKey, byte[] message, int leftKeyAt) {
        return ByteBuffer.allocate(4 + rightKey.length + message.length - leftKeyAt).putInt(rightKey.length).put(rightKey)
                .put(message, leftKeyAt, message.length - leftKeyAt).array();
    }

    private static byte[] answer(byte[] digest, byte[] row) {
        ByteBuffer buffer = ByteBuffer.allocate(DIGEST + 1 + (row == null ? 0 : row.length)).put(digest);
        if (row == null) {
            return buffer.put((byte) 0).array();
        }
        return buffer.put((byte) 1).put(row).array();
    }

    private static boolean startsWith(byte[] key, byte[] prefix) {
        return key.length >= prefix.length && Arrays.equals(key, 0, prefix.length, prefix, 0, prefix.length);
    }

    /** Which left value an answer is for: 16 bytes of its SHA-256, so a stale answer is told apart by content. */
    private static byte[] digest(byte[] value) {
        try {
            return Arrays.copyOf(MessageDigest.getInstance("SHA-256").digest(value), DIGEST);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
