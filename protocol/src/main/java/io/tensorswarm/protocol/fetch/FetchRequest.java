package io.tensorswarm.protocol.fetch;

import io.tensorswarm.common.protocol.CommitmentPayload;
import java.nio.file.Path;
import java.util.Objects;

/**
 * One miner's submission to fetch with {@link DeltaFetcher#fetchAll}.
 *
 * @param hotkey the miner's hotkey (SS58), the key of its result
 * @param payload the miner's commitment for the round
 * @param target where the decoded F32 delta is written when every check passes
 */
public record FetchRequest(String hotkey, CommitmentPayload payload, Path target) {
    /** Checks that no field is null. */
    public FetchRequest {
        Objects.requireNonNull(hotkey, "hotkey");
        Objects.requireNonNull(payload, "payload");
        Objects.requireNonNull(target, "target");
    }

    /**
     * Returns where a fetcher that keeps sparse deltas' files ({@link DeltaFetcher#keepingSparseEncoded})
     * puts the verified file as downloaded for {@code target}: {@code <target>.encoded}, beside it.
     */
    public static Path encodedCopy(Path target) {
        return target.resolveSibling(target.getFileName() + ".encoded");
    }
}
