package io.tensorswarm.miner.worker;

import io.tensorswarm.common.model.Precision;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One round's training job: which base model to train on which assigned pages, how, and where the
 * encoded delta (and, for codecs with error feedback, the next residual) goes.
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
 * @param steps optimizer steps
 * @param batchSize pages per micro-batch
 * @param gradAccum micro-batches per optimizer step
 * @param precision what training computes in ({@code fp32} or {@code bf16} with F32 master weights)
 * @param learningRate peak learning rate
 * @param codec delta codec name ({@code fp32}, {@code bf16}, {@code int8}, {@code topk}, {@code sparseloco})
 * @param residualIn the saved error-feedback residual (may not exist), or {@code null} without feedback
 * @param residualOut where the updated residual is written, or {@code null} without feedback
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
        int steps,
        int batchSize,
        int gradAccum,
        Precision precision,
        double learningRate,
        String codec,
        Path residualIn,
        Path residualOut,
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
        if (pages < 1 || steps < 1 || batchSize < 1 || gradAccum < 1 || !(learningRate > 0)) {
            throw new IllegalArgumentException("pages, steps, batchSize, gradAccum and learningRate must be positive");
        }
    }

    /** Returns whether the job keeps an error-feedback residual. */
    public boolean usesErrorFeedback() {
        return residualIn != null;
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
        add(args, "steps", Integer.toString(steps));
        add(args, "batch-size", Integer.toString(batchSize));
        add(args, "grad-accum", Integer.toString(gradAccum));
        add(args, "precision", precision.label());
        add(args, "lr", Double.toString(learningRate));
        add(args, "codec", codec);
        if (residualIn != null) {
            add(args, "residual-in", residualIn.toString());
            add(args, "residual-out", residualOut.toString());
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
        TrainJob job = new TrainJob(
                Path.of(take(values, "base")),
                take(values, "revision"),
                Path.of(take(values, "data")),
                take(values, "text-field"),
                optionalPath(values.remove("token-cache")),
                take(values, "device"),
                Long.parseLong(take(values, "round")),
                take(values, "hotkey"),
                Integer.parseInt(take(values, "pages")),
                Integer.parseInt(take(values, "steps")),
                Integer.parseInt(take(values, "batch-size")),
                Integer.parseInt(take(values, "grad-accum")),
                Precision.parse(take(values, "precision")),
                Double.parseDouble(take(values, "lr")),
                take(values, "codec"),
                optionalPath(values.remove("residual-in")),
                optionalPath(values.remove("residual-out")),
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
}
