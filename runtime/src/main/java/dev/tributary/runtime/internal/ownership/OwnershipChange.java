package dev.tributary.runtime.internal.ownership;

/**
 * What a turn of {@link KeyGroupOwner} changed, for the task to act on in this order: forget its
 * uncommitted work, commit and then call {@link KeyGroupOwner#release()}, forget the deliveries of
 * closed consumers, and poll the owner's new inputs.
 *
 * @param uncommittedLost the lease was lost: nothing done since the last commit may be written or acknowledged
 * @param releasePending key groups are leaving: commit, then call {@link KeyGroupOwner#release()}
 * @param inputsClosed consumers were closed: the broker delivers their unacknowledged messages again elsewhere
 * @param inputsChanged the inputs to poll changed ({@link KeyGroupOwner#inputs()})
 */
public record OwnershipChange(boolean uncommittedLost, boolean releasePending, boolean inputsClosed,
                              boolean inputsChanged) {
    static final OwnershipChange NONE = new OwnershipChange(false, false, false, false);
    static final OwnershipChange INPUTS = new OwnershipChange(false, false, false, true);
    static final OwnershipChange RELEASE = new OwnershipChange(false, true, false, false);

    /** This change and another one, as one. */
    OwnershipChange and(OwnershipChange other) {
        return new OwnershipChange(uncommittedLost || other.uncommittedLost, releasePending || other.releasePending,
                inputsClosed || other.inputsClosed, inputsChanged || other.inputsChanged);
    }
}
