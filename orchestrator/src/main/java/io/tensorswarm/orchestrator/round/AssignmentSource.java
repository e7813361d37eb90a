package io.tensorswarm.orchestrator.round;

import java.util.Optional;

/**
 * Returns a miner's page assignment for a round. Must be deterministic: anyone holding the same
 * dataset must be able to recompute it. Implementations must be safe for concurrent use.
 */
public interface AssignmentSource {
    /** Returns the pages of {@code hotkeySs58} (SS58, format 42) for {@code round}. */
    Assignment assignment(long round, String hotkeySs58);

    /** Returns the dataset assignments are drawn from now, or empty when none is known (yet). */
    default Optional<SampledAssignments> dataset() {
        return Optional.empty();
    }
}
