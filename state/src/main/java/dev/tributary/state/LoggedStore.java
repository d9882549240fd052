package dev.tributary.state;

/** Writes to a store and, when the store is logged, to its changelog. */
public final class LoggedStore implements StoreAccess {
    private final KeyGroupedStore store;
    private final ChangelogWriter changelog;

    /**
     * @param store the store
     * @param changelog where writes are logged, or null for a store without a changelog
     */
    public LoggedStore(KeyGroupedStore store, ChangelogWriter changelog) {
        this.store = store;
        this.changelog = changelog;
    }

    @Override
    public byte[] get(int keyGroup, byte[] key) {
        return store.get(keyGroup, key);
    }

    @Override
    public void put(int keyGroup, byte[] key, byte[] value) {
        store.put(keyGroup, key, value);
        if (changelog != null) {
            changelog.append(store.name(), keyGroup, key, value);
        }
    }

    @Override
    public void writeAll(java.util.List<StoreWrite> writes) {
        java.util.List<StoreWrite> byGroup = new java.util.ArrayList<>(writes);
        // A stable sort: each key group's writes stay in order, and become one run for its changelog partition.
        byGroup.sort(java.util.Comparator.comparingInt(StoreWrite::keyGroup));
        store.writeAll(byGroup);
        if (changelog != null) {
            changelog.appendAll(store.name(), byGroup);
        }
    }

    @Override
    public void flush() {
    }

    @Override
    public KeyGroupedStore store() {
        return store;
    }
}
