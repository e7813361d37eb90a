package io.tensorswarm.gym.net;

import io.tensorswarm.gym.Identity;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalLong;

/**
 * How an adversary puts its work on chain and into its store. The gym's one implementation runs the
 * real miner CLI ({@link MinerCliPublisher}); tests record what would be published.
 */
public interface Publisher {
    /**
     * Publishes the F32 delta {@code delta} for {@code round} under each of {@code as} at the same
     * moment ({@code miner publish}) and waits for every run. {@code base} is the base the adversary
     * built on, already verified (the miner CLI may skip fetching it again).
     */
    List<PublishResult> publish(long round, Path delta, UploadMode upload, List<Identity> as, BaseModels.Base base)
            throws InterruptedException;

    /**
     * Sets {@code as}'s commitment to the raw bytes {@code data} ({@code miner chain commit --data-hex})
     * and returns the block it landed in, or empty when that failed.
     */
    OptionalLong commitRaw(Identity as, byte[] data) throws InterruptedException;
}
