package io.tensorswarm.averager.run;

import ai.djl.Device;
import io.tensorswarm.averager.merge.MergeConfig;
import io.tensorswarm.common.protocol.RoundClock;
import io.tensorswarm.common.protocol.RoundTiming;
import io.tensorswarm.protocol.scoring.RoundScorer;
import io.tensorswarm.protocol.scoring.Scorer;
import io.tensorswarm.protocol.scoring.ScreenConfig;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Returns the settings of {@link AveragerRound}; immutable.
 *
 * @param netuid the subnet
 * @param clock the round schedule
 * @param topG how many miners' deltas to merge (the best G by incentive that fetch and verify)
 * @param fitPages held-out pages the mixing weights are learned on
 * @param checkPages held-out pages (disjoint from the fit pages) the acceptance test runs on
 * @param minerPages pages each miner trains on per round; the averager's pages avoid them
 * @param maxDeltaBytes the largest delta file fetched
 * @param outerLearningRate the outer optimizer's learning rate
 * @param outerMomentum the outer optimizer's Nesterov momentum
 * @param merge the merger's settings
 * @param stateDir persistent state: momentum, merge reports, model cache
 * @param device where the model runs
 */
public record AveragerSettings(
        int netuid,
        RoundClock clock,
        int topG,
        int fitPages,
        int checkPages,
        int minerPages,
        long maxDeltaBytes,
        float outerLearningRate,
        float outerMomentum,
        MergeConfig merge,
        Path stateDir,
        Device device,
        int evalPages) {
    /** File name of the outer momentum inside the state folder. */
    public static final String MOMENTUM_FILE = MomentumStore.FILE;

    public AveragerSettings {
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(merge, "merge");
        Objects.requireNonNull(stateDir, "stateDir");
        Objects.requireNonNull(device, "device");
        if (topG < 1) {
            throw new IllegalArgumentException("top-G must be >= 1, got " + topG);
        }
        if (fitPages < 1 || checkPages < 1 || minerPages < 0) {
            throw new IllegalArgumentException("fit and check pages must be >= 1 and miner pages >= 0");
        }
        if (evalPages < 1) {
            throw new IllegalArgumentException("evaluation pages must be >= 1, got " + evalPages);
        }
        if (maxDeltaBytes < 1) {
            throw new IllegalArgumentException("max delta bytes must be >= 1, got " + maxDeltaBytes);
        }
    }

    /** Returns the round timing (the merge delay does not matter to a step). */
    public RoundTiming timing() {
        return new RoundTiming(clock.roundBlocks(), clock.deadlineMarginBlocks(), 0);
    }

    /**
     * Returns the validators' scoring settings the averager scores with: the same assigned and
     * evaluation page counts, bonus and screen as a default validator, so it merges what they pay.
     */
    public RoundScorer.Settings scoring() {
        return new RoundScorer.Settings(netuid, Math.max(1, minerPages), evalPages, merge.evalBatchSize(),
                Scorer.DEFAULT_BONUS_FRACTION, RoundScorer.Policy.SCORE, false, ScreenConfig.defaults(), merge.precision());
    }

    /** Returns {@code <stateDir>/outer-momentum.safetensors}. */
    public Path momentumFile() {
        return stateDir.resolve(MOMENTUM_FILE);
    }

    /** Returns {@code <stateDir>/merges/<round>.json}. */
    public Path reportFile(long round) {
        return stateDir.resolve("merges").resolve(round + ".json");
    }
}
