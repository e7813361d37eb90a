package io.tensorswarm.orchestrator.history;

/**
 * A base model revision the orchestrator saw as {@code latest}, and its loss when measured.
 *
 * @param revision SHA-256 hex of the revision's {@code model.safetensors}
 * @param round the first round that trains on it (from the {@code latest} pointer)
 * @param firstSeenBlock the chain's block when the orchestrator first saw the pointer name it
 * @param firstSeenMillis the orchestrator's clock then, Unix milliseconds
 * @param loss mean cross-entropy (nats per token) on the dashboard's fixed evaluation pages, or null
 *     when not measured (yet)
 * @param lossTokens predicted tokens the loss averages over, or null with {@code loss}
 * @param evalPages evaluation pages used, or null with {@code loss}
 * @param lossError why the loss could not be measured, or null
 */
public record RevisionRecord(String revision, long round, long firstSeenBlock, long firstSeenMillis, Double loss,
        Long lossTokens, Integer evalPages, String lossError) {

    /** Returns a copy with a measured loss and no error. */
    public RevisionRecord withLoss(double value, long tokens, int pages) {
        return new RevisionRecord(revision, round, firstSeenBlock, firstSeenMillis, value, tokens, pages, null);
    }

    /** Returns a copy with no loss and {@code error} as the reason. */
    public RevisionRecord withLossError(String error) {
        return new RevisionRecord(revision, round, firstSeenBlock, firstSeenMillis, null, null, null, error);
    }
}
