package io.tensorswarm.miner.adversary;

import io.tensorswarm.chain.Chain;
import io.tensorswarm.miner.run.Sleeper;
import io.tensorswarm.miner.run.TrainingRunner;
import io.tensorswarm.storage.ObjectStore;
import io.tensorswarm.storage.StorageOptions;
import java.time.Duration;
import java.util.Locale;

/**
 * A dishonest miner behaviour, for the local subnet demo and tests only. Each one keeps the honest
 * loop (commit first, then upload, before the deadline) and changes what is trained or uploaded:
 * <ul>
 *   <li>{@link #LAZY} trains nothing, commits the hash of a placeholder file and uploads nothing;
 *   <li>{@link #COPIER} trains nothing, waits for another miner's delta of the round and commits and
 *       uploads those bytes under its own hotkey;
 *   <li>{@link #NOISE} trains as usual, then replaces every tensor of the delta with Gaussian noise of
 *       the same L2 norm.
 * </ul>
 */
public enum Adversary {
    LAZY, COPIER, NOISE;

    /**
     * Returns the adversary named {@code name} ({@code lazy}, {@code copier} or {@code noise}, any case).
     *
     * @throws IllegalArgumentException for any other name
     */
    public static Adversary parse(String name) {
        for (Adversary a : values()) {
            if (a.name().equalsIgnoreCase(name)) {
                return a;
            }
        }
        throw new IllegalArgumentException("unknown adversary " + name + " (expected lazy, copier or noise)");
    }

    /** Returns the lower-case name used on the command line. */
    public String flagValue() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * Returns the runner this behaviour trains (or pretends to train) with.
     *
     * @param honest the runner an honest miner would use
     * @param chain the chain, where the copier looks for other miners' commitments
     * @param netuid the subnet
     * @param storage credentials for opening other miners' locators
     * @param sleeper how the copier waits between polls
     * @param poll the copier's poll interval
     */
    public TrainingRunner runner(TrainingRunner honest, Chain chain, int netuid, StorageOptions storage, Sleeper sleeper,
            Duration poll) {
        return switch (this) {
            case LAZY -> new PlaceholderRunner();
            case COPIER -> new CopyingRunner(chain, netuid, storage, sleeper, poll);
            case NOISE -> new NoiseRunner(honest);
        };
    }

    /** Returns the store this behaviour uploads to: the lazy miner's drops every upload. */
    public ObjectStore ownStore(ObjectStore honest) {
        return this == LAZY ? new DiscardingStore(honest) : honest;
    }
}
