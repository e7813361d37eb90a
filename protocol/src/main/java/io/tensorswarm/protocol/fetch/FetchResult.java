package io.tensorswarm.protocol.fetch;

import io.tensorswarm.common.protocol.DeltaManifest;
import java.util.Objects;

/**
 * What {@link DeltaFetcher#fetchAll} found for one miner: its verified manifest (the decoded delta
 * is then at the request's target), or why the submission was rejected.
 *
 * @param hotkey the miner's hotkey
 * @param manifest the verified manifest, or {@code null} when rejected
 * @param rejection why the submission was rejected, or {@code null} when accepted
 */
public record FetchResult(String hotkey, DeltaManifest manifest, RejectedDeltaException rejection) {
    /** Checks that exactly one of manifest and rejection is set. */
    public FetchResult {
        Objects.requireNonNull(hotkey, "hotkey");
        if ((manifest == null) == (rejection == null)) {
            throw new IllegalArgumentException("a result has either a manifest or a rejection");
        }
    }

    /** Returns the result of a submission that passed every check. */
    public static FetchResult accepted(String hotkey, DeltaManifest manifest) {
        return new FetchResult(hotkey, Objects.requireNonNull(manifest, "manifest"), null);
    }

    /** Returns the result of a rejected submission. */
    public static FetchResult rejected(String hotkey, RejectedDeltaException rejection) {
        return new FetchResult(hotkey, null, Objects.requireNonNull(rejection, "rejection"));
    }

    /** Returns whether the submission passed every check. */
    public boolean accepted() {
        return manifest != null;
    }

}
