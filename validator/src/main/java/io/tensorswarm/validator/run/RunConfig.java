package io.tensorswarm.validator.run;

import io.tensorswarm.common.model.Precision;
import io.tensorswarm.common.protocol.RoundClock;
import io.tensorswarm.protocol.scoring.RoundScorer;
import io.tensorswarm.protocol.scoring.ScreenConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * Returns the settings of a validator's round loop; immutable and validated at construction.
 *
 * @param netuid the subnet
 * @param clock the round clock (blocks per round, deadline margin)
 * @param stateDir persistent state: scores, round results, pending reveals, delta cache
 * @param maxDeltaBytes largest delta file fetched
 * @param downloadTimeout longest time one delta download may take
 * @param assignedPages pages per miner's assignment (must equal the miners' setting)
 * @param evalPages unassigned evaluation pages per round
 * @param batchSize pages per forward pass
 * @param emaAlpha the moving score's weight of a new round
 * @param bonusFraction the {@code Scorer} bonus
 * @param policy {@link Policy#SCORE} (loss improvement) or {@link Policy#TIERED}
 * @param lossAnomalyFlags whether to flag loss outliers in logs and results (MAD)
 * @param screen thresholds of the delta screen
 * @param precision what scoring computes in ({@code --precision})
 */
public record RunConfig(
        int netuid,
        RoundClock clock,
        Path stateDir,
        long maxDeltaBytes,
        Duration downloadTimeout,
        int assignedPages,
        int evalPages,
        int batchSize,
        double emaAlpha,
        double bonusFraction,
        RoundScorer.Policy policy,
        boolean lossAnomalyFlags,
        ScreenConfig screen,
        Precision precision) {


    /** Validates the fields. */
    public RunConfig {
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(stateDir, "stateDir");
        Objects.requireNonNull(downloadTimeout, "downloadTimeout");
        Objects.requireNonNull(policy, "policy");
        Objects.requireNonNull(screen, "screen");
        Objects.requireNonNull(precision, "precision");
        if (netuid < 0 || netuid > 65535) {
            throw new IllegalArgumentException("netuid must be in [0, 65535], got " + netuid);
        }
        if (maxDeltaBytes < 1) {
            throw new IllegalArgumentException("maxDeltaBytes must be positive, got " + maxDeltaBytes);
        }
        if (downloadTimeout.isNegative() || downloadTimeout.isZero()) {
            throw new IllegalArgumentException("downloadTimeout must be positive, got " + downloadTimeout);
        }
        if (assignedPages < 1 || evalPages < 1 || batchSize < 1) {
            throw new IllegalArgumentException("assignedPages, evalPages and batchSize must be at least 1");
        }
        if (!(emaAlpha > 0 && emaAlpha <= 1)) {
            throw new IllegalArgumentException("emaAlpha must be in (0, 1], got " + emaAlpha);
        }
    }

    /** Returns defaults for {@code netuid} and {@code stateDir}: 20-block rounds, margin 2, 4 assigned and 8 eval pages. */
    public static RunConfig defaults(int netuid, Path stateDir) {
        return new RunConfig(netuid, new RoundClock(20, 2), stateDir, 4096L << 20, Duration.ofMinutes(10), 4, 8, 8,
                0.3, 0.10, RoundScorer.Policy.SCORE, false, ScreenConfig.defaults(), Precision.FP32);
    }

    /** Returns a copy with another round clock. */
    public RunConfig withClock(RoundClock value) {
        return new RunConfig(netuid, value, stateDir, maxDeltaBytes, downloadTimeout, assignedPages, evalPages,
                batchSize, emaAlpha, bonusFraction, policy, lossAnomalyFlags, screen, precision);
    }

    /** Returns a copy with another delta size cap. */
    public RunConfig withMaxDeltaBytes(long value) {
        return new RunConfig(netuid, clock, stateDir, value, downloadTimeout, assignedPages, evalPages,
                batchSize, emaAlpha, bonusFraction, policy, lossAnomalyFlags, screen, precision);
    }

    /** Returns a copy with other page counts. */
    public RunConfig withPages(int assigned, int eval) {
        return new RunConfig(netuid, clock, stateDir, maxDeltaBytes, downloadTimeout, assigned, eval,
                batchSize, emaAlpha, bonusFraction, policy, lossAnomalyFlags, screen, precision);
    }

    /** Returns a copy with another policy and anomaly flag setting. */
    public RunConfig withPolicy(RoundScorer.Policy value, boolean flags) {
        return new RunConfig(netuid, clock, stateDir, maxDeltaBytes, downloadTimeout, assignedPages, evalPages,
                batchSize, emaAlpha, bonusFraction, value, flags, screen, precision);
    }

    /** Returns the protocol's scoring settings of this validator. */
    public RoundScorer.Settings scoring() {
        return new RoundScorer.Settings(netuid, assignedPages, evalPages, batchSize, bonusFraction, policy,
                lossAnomalyFlags, screen, precision);
    }

    /** Returns {@code <stateDir>/scores.json}. */
    public Path scoreBookFile() {
        return stateDir.resolve("scores.json");
    }

    /** Returns {@code <stateDir>/rounds/<round>.json}. */
    public Path roundReportFile(long round) {
        return stateDir.resolve("rounds").resolve(round + ".json");
    }

    /** Returns {@code <stateDir>/cache/<round>/}, where the round's decoded deltas are kept. */
    public Path deltaCacheDir(long round) {
        return stateDir.resolve("cache").resolve(Long.toString(round));
    }
}
