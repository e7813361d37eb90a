package io.tensorswarm.miner.run;

import io.tensorswarm.common.protocol.CommitmentPayload;
import io.tensorswarm.common.protocol.DeltaCodecs;
import io.tensorswarm.common.protocol.RoundClock;
import io.tensorswarm.common.model.Precision;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * What {@code miner run} does each round.
 *
 * @param netuid the subnet
 * @param locator the miner's own storage location, committed on chain ({@code --storage.location})
 * @param clock round length and deadline margin
 * @param data training text
 * @param textField JSON field / Parquet column of the text
 * @param tokenCache token cache folder, or {@code null}
 * @param device {@code cpu}, {@code cuda}, {@code cuda:N}
 * @param pages assigned pages per round
 * @param maxPages most distinct pages trained on per round: the assigned ones first, then fresh pages of the
 *     miner's own page sequence ({@code --train.max-pages}); {@code pages} for the assigned pages only
 * @param maxSteps most inner optimizer steps per round, 0 for no cap: train until the deadline leaves
 *     just the time to encode and commit ({@code --train.steps})
 * @param batchSize pages per micro-batch
 * @param gradAccum micro-batches per optimizer step ({@code --train.grad-accum})
 * @param precision what training computes in ({@code --precision})
 * @param learningRate peak learning rate
 * @param warmupSteps global steps of the learning-rate warm-up, once over the miner's life ({@code --train.warmup})
 * @param decaySteps global steps of a cosine decay after warm-up, 0 for none ({@code --train.decay-steps})
 * @param codec delta codec name
 * @param stateDir persistent state: model cache, error-feedback residual, optimizer state, journal, work files
 * @param maxRounds rounds to handle before returning, 0 = forever
 * @param pollInterval wait between chain polls
 * @param maxModelBytes the largest base model file accepted
 * @param blockTime the chain's block time to assume until the miner has measured it
 */
public record MinerSettings(
        int netuid,
        String locator,
        RoundClock clock,
        Path data,
        String textField,
        Path tokenCache,
        String device,
        int pages,
        int maxPages,
        int maxSteps,
        int batchSize,
        int gradAccum,
        Precision precision,
        double learningRate,
        int warmupSteps,
        long decaySteps,
        String codec,
        Path stateDir,
        long maxRounds,
        Duration pollInterval,
        long maxModelBytes,
        Duration blockTime) {

    /** File under the state directory holding the sparse codecs' error-feedback residual. */
    public static final String RESIDUAL_FILE = "error-feedback.safetensors";
    /** File under the state directory holding the AdamW state (moments and global step) between rounds. */
    public static final String OPTIMIZER_FILE = "optimizer.safetensors";
    /** The block time assumed on a chain that does not say (Bittensor's). */
    public static final Duration DEFAULT_BLOCK_TIME = Duration.ofSeconds(12);

    /**
     * Validates the settings.
     *
     * @throws io.tensorswarm.common.protocol.CommitmentException when the locator cannot be committed
     * @throws io.tensorswarm.common.protocol.DeltaCodecException when the codec is unknown
     */
    public MinerSettings {
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(data, "data");
        Objects.requireNonNull(stateDir, "stateDir");
        Objects.requireNonNull(pollInterval, "pollInterval");
        Objects.requireNonNull(precision, "precision");
        Objects.requireNonNull(blockTime, "blockTime");
        CommitmentPayload.checkLocator(locator);
        DeltaCodecs.forName(codec);
        if (pages < 1 || batchSize < 1 || gradAccum < 1 || !(learningRate > 0) || maxRounds < 0) {
            throw new IllegalArgumentException("pages, batch size, grad accumulation and learning rate must be positive");
        }
        if (maxPages < pages) {
            throw new IllegalArgumentException("max pages " + maxPages + " must not be below the " + pages
                    + " assigned pages");
        }
        if (maxSteps < 0 || warmupSteps < 0 || decaySteps < 0) {
            throw new IllegalArgumentException("train steps, warm-up and decay steps must not be negative");
        }
        if (blockTime.isZero() || blockTime.isNegative()) {
            throw new IllegalArgumentException("block time must be positive, got " + blockTime);
        }
    }

    /** Settings that train on the assigned pages only ({@code maxPages == pages}), as before the cap existed. */
    public MinerSettings(int netuid, String locator, RoundClock clock, Path data, String textField, Path tokenCache,
            String device, int pages, int maxSteps, int batchSize, int gradAccum, Precision precision,
            double learningRate, int warmupSteps, long decaySteps, String codec, Path stateDir, long maxRounds,
            Duration pollInterval, long maxModelBytes, Duration blockTime) {
        this(netuid, locator, clock, data, textField, tokenCache, device, pages, pages, maxSteps, batchSize, gradAccum,
                precision, learningRate, warmupSteps, decaySteps, codec, stateDir, maxRounds, pollInterval,
                maxModelBytes, blockTime);
    }

    /** Returns whether the codec keeps an error-feedback residual between rounds (the sparse codecs). */
    public boolean usesErrorFeedback() {
        return DeltaCodecs.forName(codec).needsErrorFeedback();
    }

    /** Returns the folder of cached base models. */
    public Path modelCacheDir() {
        return modelCacheDir(stateDir);
    }

    /** Returns the folder of cached base models under the state directory {@code stateDir}. */
    public static Path modelCacheDir(Path stateDir) {
        return stateDir.resolve("models");
    }

    /** Returns the folder of a round's work files. */
    public Path workDir(long round) {
        return stateDir.resolve("work").resolve("round-" + round);
    }
}
