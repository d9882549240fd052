package dev.tributary.runtime.query;

/**
 * A key cannot be read in this instance now, and why: its key group is restoring here, is moving
 * between instances, runs on another instance, or the job has stopped. The message names the store,
 * the key group and, when known, the owner and its endpoint. Restoring and moving pass; ask again
 * after {@link #retryAfterMillis()}.
 */
public final class StoreUnavailableException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** Why a key cannot be read here. */
    public enum Reason {
        /** The key group is assigned here and its state is being restored. */
        RESTORING,
        /** The key group is between owners: released by one and not yet restored by the next. */
        MOVING,
        /** The key group runs on another instance, named by {@link #owner()}. */
        ELSEWHERE,
        /** The job is not running. */
        STOPPED
    }

    private final String store;
    private final int keyGroup;
    private final Reason reason;
    private final String owner;
    private final String ownerEndpoint;

    /**
     * @param message what happened, naming the store and the key group
     * @param store the store's name
     * @param keyGroup the key's group, or -1 if the question was not about one key
     * @param reason why
     * @param owner the instance the key group is assigned to, or null
     * @param ownerEndpoint that instance's HTTP endpoint, or null
     */
    public StoreUnavailableException(String message, String store, int keyGroup, Reason reason, String owner,
                                     String ownerEndpoint) {
        super(message);
        this.store = store;
        this.keyGroup = keyGroup;
        this.reason = reason;
        this.owner = owner;
        this.ownerEndpoint = ownerEndpoint;
    }

    /**
     * The store asked.
     *
     * @return its name
     */
    public String store() {
        return store;
    }

    /**
     * The key group of the key asked.
     *
     * @return the key group, or -1 if the question was not about one key
     */
    public int keyGroup() {
        return keyGroup;
    }

    /**
     * Why the key cannot be read here.
     *
     * @return the reason
     */
    public Reason reason() {
        return reason;
    }

    /**
     * The instance the key group is assigned to.
     *
     * @return its id, or null if not known
     */
    public String owner() {
        return owner;
    }

    /**
     * The owner's advertised HTTP endpoint.
     *
     * @return a URL such as {@code http://host:9400}, or null
     */
    public String ownerEndpoint() {
        return ownerEndpoint;
    }

    /**
     * Whether asking again later may succeed here or at the owner.
     *
     * @return true unless the job has stopped
     */
    public boolean retriable() {
        return reason != Reason.STOPPED;
    }

    /**
     * How long to wait before asking again.
     *
     * @return milliseconds
     */
    public long retryAfterMillis() {
        return reason == Reason.ELSEWHERE ? 0 : 1_000;
    }
}
