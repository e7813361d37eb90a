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
 * @param steps inner optimizer steps per round
 * @param batchSize pages per micro-batch
 * @param gradAccum micro-batches per optimizer step ({@code --train.grad-accum})
 * @param precision what training computes in ({@code --precision})
 * @param learningRate peak learning rate
 * @param codec delta codec name
 * @param stateDir persistent state: model cache, error-feedback residual, work files
 * @param maxRounds rounds to handle before returning, 0 = forever
 * @param pollInterval wait between chain polls
 * @param maxModelBytes the largest base model file accepted
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
        int steps,
        int batchSize,
        int gradAccum,
        Precision precision,
        double learningRate,
        String codec,
        Path stateDir,
        long maxRounds,
        Duration pollInterval,
        long maxModelBytes) {

    /** File under the state directory holding the top-k error-feedback residual. */
    public static final String RESIDUAL_FILE = "error-feedback.safetensors";

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
        CommitmentPayload.checkLocator(locator);
        DeltaCodecs.forName(codec);
        if (pages < 1 || steps < 1 || batchSize < 1 || gradAccum < 1 || !(learningRate > 0) || maxRounds < 0) {
            throw new IllegalArgumentException("pages, steps, batch size, grad accumulation and learning rate must be positive");
        }
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
