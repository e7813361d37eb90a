package io.tensorswarm.miner.worker;

import io.tensorswarm.common.model.Precision;
import io.tensorswarm.common.train.TrainConfig;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One round's training job: which base model to train on which assigned pages, how and for how long,
 * and where the encoded delta, the AdamW state after training and, for codecs with error feedback,
 * the next residual go.
 *
 * <p>{@link #toArgs()} and {@link #fromArgs(String[])} carry a job to a child JVM as {@code --key
 * value} pairs.
 *
 * @param baseDir model directory of the verified base ({@code config.json}, {@code model.safetensors})
 * @param baseRevision SHA-256 hex of the base weights, written into the delta's metadata
 * @param data the training text (file or folder)
 * @param textField JSON field / Parquet column holding the text
 * @param tokenCache where tokenized data is cached, or {@code null} for no cache
 * @param device {@code cpu}, {@code cuda} or {@code cuda:N}
 * @param round the round whose page assignment to train on
 * @param hotkey the miner's hotkey (SS58), which selects the assigned pages
 * @param pages number of assigned pages
 * @param maxPages most distinct pages trained on: the {@code pages} assigned ones first, then fresh pages of
 *     the miner's page sequence up to {@code maxPages} (bounded by the corpus), then passes over all of them
 *     (see {@link io.tensorswarm.common.train.PageOrder}); {@code maxPages == pages} trains on the assigned
 *     pages only
 * @param maxSteps most optimizer steps, or 0 for no cap (then {@code trainUntil} ends the training)
 * @param trainUntil when training must have stopped (the round's deadline less the time to encode and
 *     commit), or {@code null} for none
 * @param batchSize pages per micro-batch
 * @param gradAccum micro-batches per optimizer step
 * @param precision what training computes in ({@code fp32} or {@code bf16} with F32 master weights)
 * @param learningRate peak learning rate
 * @param warmupSteps global steps of the learning-rate warm-up (counted over every round, see
 *     {@link io.tensorswarm.common.train.TrainConfig})
 * @param decaySteps global steps of the cosine decay after warm-up, 0 for none (the peak rate for good), or
 *     {@link TrainConfig#DECAY_PER_RUN} for a schedule of this job alone (warm-up and cosine over its steps)
 * @param codec delta codec name ({@code fp32}, {@code bf16}, {@code int8}, {@code topk}, {@code sparseloco})
 * @param residualIn the saved error-feedback residual (may not exist), or {@code null} without feedback
 * @param residualOut where the updated residual is written, or {@code null} without feedback
 * @param optimizerIn the saved AdamW state (may not exist), or {@code null} to start fresh and save none
 * @param optimizerOut where the AdamW state after training is written, or {@code null} with no {@code optimizerIn}
 * @param out where the encoded delta is written, atomically
 */
public record TrainJob(
        Path baseDir,
        String baseRevision,
        Path data,
        String textField,
        Path tokenCache,
        String device,
        long round,
        String hotkey,
        int pages,
        int maxPages,
        int maxSteps,
        Instant trainUntil,
        int batchSize,
        int gradAccum,
        Precision precision,
        double learningRate,
        int warmupSteps,
        long decaySteps,
        String codec,
        Path residualIn,
        Path residualOut,
        Path optimizerIn,
        Path optimizerOut,
        Path out) {

    /** Checks the required fields. */
    public TrainJob {
        Objects.requireNonNull(baseDir, "baseDir");
        Objects.requireNonNull(baseRevision, "baseRevision");
        Objects.requireNonNull(data, "data");
        Objects.requireNonNull(textField, "textField");
        Objects.requireNonNull(device, "device");
        Objects.requireNonNull(hotkey, "hotkey");
        Objects.requireNonNull(codec, "codec");
        Objects.requireNonNull(precision, "precision");
        Objects.requireNonNull(out, "out");
        if ((residualIn == null) != (residualOut == null)) {
            throw new IllegalArgumentException("residualIn and residualOut go together");
        }
        if ((optimizerIn == null) != (optimizerOut == null)) {
            throw new IllegalArgumentException("optimizerIn and optimizerOut go together");
        }
        if (maxPages < pages) {
            throw new IllegalArgumentException("maxPages " + maxPages + " must not be below pages " + pages);
        }
        if (pages < 1 || batchSize < 1 || gradAccum < 1 || !(learningRate > 0)) {
            throw new IllegalArgumentException("pages, batchSize, gradAccum and learningRate must be positive");
        }
        if (maxSteps < 0 || warmupSteps < 0 || decaySteps < TrainConfig.DECAY_PER_RUN) {
            throw new IllegalArgumentException("maxSteps and warmupSteps must not be negative, decaySteps not below -1");
        }
        if (maxSteps == 0 && trainUntil == null) {
            throw new IllegalArgumentException("a job without a step cap needs a time to train until");
        }
    }

    /** Returns whether the job keeps an error-feedback residual. */
    public boolean usesErrorFeedback() {
        return residualIn != null;
    }

    /** Returns a job that trains on its assigned pages only ({@code maxPages == pages}), as before the cap existed. */
    public TrainJob(Path baseDir, String baseRevision, Path data, String textField, Path tokenCache, String device,
            long round, String hotkey, int pages, int maxSteps, Instant trainUntil, int batchSize, int gradAccum,
            Precision precision, double learningRate, int warmupSteps, long decaySteps, String codec, Path residualIn,
            Path residualOut, Path optimizerIn, Path optimizerOut, Path out) {
        this(baseDir, baseRevision, data, textField, tokenCache, device, round, hotkey, pages, pages, maxSteps,
                trainUntil, batchSize, gradAccum, precision, learningRate, warmupSteps, decaySteps, codec, residualIn,
                residualOut, optimizerIn, optimizerOut, out);
    }

    /** Returns this job with at most {@code maxPages} distinct pages (see {@link #maxPages()}). */
    public TrainJob withMaxPages(int maxPages) {
        return new TrainJob(baseDir, baseRevision, data, textField, tokenCache, device, round, hotkey, pages, maxPages,
                maxSteps, trainUntil, batchSize, gradAccum, precision, learningRate, warmupSteps, decaySteps, codec,
                residualIn, residualOut, optimizerIn, optimizerOut, out);
    }

    /**
     * Returns a job of exactly {@code steps} steps with a schedule of its own (warm-up over a tenth of
     * them, at most 100, then a cosine to the end), fresh AdamW moments and no optimizer state saved:
     * one-off training on the assigned pages only, as before the miner kept its optimizer across rounds.
     */
    public TrainJob(Path baseDir, String baseRevision, Path data, String textField, Path tokenCache, String device,
            long round, String hotkey, int pages, int steps, int batchSize, int gradAccum, Precision precision,
            double learningRate, String codec, Path residualIn, Path residualOut, Path out) {
        this(baseDir, baseRevision, data, textField, tokenCache, device, round, hotkey, pages, pages,
                requirePositive(steps), null, batchSize, gradAccum, precision, learningRate, Math.min(100, steps / 10), TrainConfig.DECAY_PER_RUN,
                codec, residualIn, residualOut, null, null, out);
    }

    private static int requirePositive(int steps) {
        if (steps < 1) {
            throw new IllegalArgumentException("steps must be positive, got " + steps);
        }
        return steps;
    }

    /** Returns whether the job continues and saves the AdamW state. */
    public boolean keepsOptimizerState() {
        return optimizerIn != null;
    }

    /** Returns the job as {@code --key value} arguments for {@link TrainWorker}. */
    public List<String> toArgs() {
        List<String> args = new ArrayList<>();
        add(args, "base", baseDir.toString());
        add(args, "revision", baseRevision);
        add(args, "data", data.toString());
        add(args, "text-field", textField);
        if (tokenCache != null) {
            add(args, "token-cache", tokenCache.toString());
        }
        add(args, "device", device);
        add(args, "round", Long.toString(round));
        add(args, "hotkey", hotkey);
        add(args, "pages", Integer.toString(pages));
        add(args, "max-pages", Integer.toString(maxPages));
        add(args, "max-steps", Integer.toString(maxSteps));
        if (trainUntil != null) {
            add(args, "train-until", Long.toString(trainUntil.toEpochMilli()));
        }
        add(args, "batch-size", Integer.toString(batchSize));
        add(args, "grad-accum", Integer.toString(gradAccum));
        add(args, "precision", precision.label());
        add(args, "lr", Double.toString(learningRate));
        add(args, "warmup", Integer.toString(warmupSteps));
        add(args, "decay-steps", Long.toString(decaySteps));
        add(args, "codec", codec);
        if (residualIn != null) {
            add(args, "residual-in", residualIn.toString());
            add(args, "residual-out", residualOut.toString());
        }
        if (optimizerIn != null) {
            add(args, "optimizer-in", optimizerIn.toString());
            add(args, "optimizer-out", optimizerOut.toString());
        }
        add(args, "out", out.toString());
        return args;
    }

    /**
     * Parses arguments written by {@link #toArgs()}.
     *
     * @throws IllegalArgumentException when a key is unknown, repeated or missing, or a value is malformed
     */
    public static TrainJob fromArgs(String[] args) {
        if (args.length % 2 != 0) {
            throw new IllegalArgumentException("worker arguments come in --key value pairs");
        }
        Map<String, String> values = new HashMap<>();
        for (int i = 0; i < args.length; i += 2) {
            if (!args[i].startsWith("--") || values.put(args[i].substring(2), args[i + 1]) != null) {
                throw new IllegalArgumentException("bad or repeated worker argument " + args[i]);
            }
        }
        int pages = Integer.parseInt(take(values, "pages"));
        String maxPagesArg = values.remove("max-pages"); // absent from a worker of before the cap: assigned pages only
        int maxPages = maxPagesArg == null ? pages : Integer.parseInt(maxPagesArg);
        TrainJob job = new TrainJob(
                Path.of(take(values, "base")),
                take(values, "revision"),
                Path.of(take(values, "data")),
                take(values, "text-field"),
                optionalPath(values.remove("token-cache")),
                take(values, "device"),
                Long.parseLong(take(values, "round")),
                take(values, "hotkey"),
                pages,
                maxPages,
                Integer.parseInt(take(values, "max-steps")),
                optionalInstant(values.remove("train-until")),
                Integer.parseInt(take(values, "batch-size")),
                Integer.parseInt(take(values, "grad-accum")),
                Precision.parse(take(values, "precision")),
                Double.parseDouble(take(values, "lr")),
                Integer.parseInt(take(values, "warmup")),
                Long.parseLong(take(values, "decay-steps")),
                take(values, "codec"),
                optionalPath(values.remove("residual-in")),
                optionalPath(values.remove("residual-out")),
                optionalPath(values.remove("optimizer-in")),
                optionalPath(values.remove("optimizer-out")),
                Path.of(take(values, "out")));
        if (!values.isEmpty()) {
            throw new IllegalArgumentException("unknown worker arguments " + values.keySet());
        }
        return job;
    }

    private static void add(List<String> args, String key, String value) {
        args.add("--" + key);
        args.add(value);
    }

    private static String take(Map<String, String> values, String key) {
        String value = values.remove(key);
        if (value == null) {
            throw new IllegalArgumentException("missing worker argument --" + key);
        }
        return value;
    }

    private static Path optionalPath(String value) {
        return value == null ? null : Path.of(value);
    }

    private static Instant optionalInstant(String epochMillis) {
        return epochMillis == null ? null : Instant.ofEpochMilli(Long.parseLong(epochMillis));
    }
}
