package io.tensorswarm.orchestrator.round;

import io.tensorswarm.common.protocol.LatestPointer;
import java.util.Optional;

/**
 * Returns the current base model revision, as named by the {@code latest} pointer the averager
 * publishes. Implementations must be safe for concurrent use.
 */
@FunctionalInterface
public interface BaseRevisionSource {
    /** A source that never knows a revision. */
    BaseRevisionSource NONE = Optional::empty;

    /**
     * Returns the current pointer, or empty when none is published yet.
     *
     * @throws BaseRevisionException when a pointer exists but cannot be read or parsed
     */
    Optional<LatestPointer> latest();
}
