package dev.tributary.dsl.plan;

import dev.tributary.dsl.Windowed;
import org.apache.pulsar.client.api.Schema;
import org.apache.pulsar.common.schema.SchemaInfo;

/**
 * The key schema of a windowed table: it encodes a {@link Windowed} key as its plain key, because on
 * a topic the window travels in the message properties ({@link Windowed#START_PROPERTY},
 * {@link Windowed#END_PROPERTY}), and the message key stays the record's key.
 *
 * @param <K> the plain key type
 */
public final class WindowedKeySchema<K> implements Schema<Windowed<K>> {
    private final Schema<K> inner;

    /**
     * @param inner the plain key's schema
     */
    public WindowedKeySchema(Schema<K> inner) {
        this.inner = inner;
    }

    /**
     * @return the plain key's schema
     */
    public Schema<K> inner() {
        return inner;
    }

    @Override
    public byte[] encode(Windowed<K> message) {
        return inner.encode(message.key());
    }

    /**
     * Not possible: the window is not in the key's bytes.
     *
     * @throws UnsupportedOperationException always
     */
    @Override
    public Windowed<K> decode(byte[] bytes) {
        throw new UnsupportedOperationException("a windowed key is written as its plain key, with the window in the"
                + " message properties " + Windowed.START_PROPERTY + " and " + Windowed.END_PROPERTY
                + "; read it with the plain key's schema");
    }

    @Override
    public SchemaInfo getSchemaInfo() {
        return inner.getSchemaInfo();
    }

    @Override
    public Schema<Windowed<K>> clone() {
        return this;
    }
}
