package io.tensorswarm.miner.worker;

import io.tensorswarm.common.TensorswarmException;
import io.tensorswarm.common.data.TextDatasetOptions;
import io.tensorswarm.common.data.TextDatasets;
import io.tensorswarm.common.data.TokenPages;
import io.tensorswarm.common.data.Tokenizer;
import io.tensorswarm.common.data.Tokenizers;
import io.tensorswarm.common.model.GptModel;
import io.tensorswarm.common.model.ModelDirectory;
import io.tensorswarm.common.model.TorchRuntime;
import io.tensorswarm.common.protocol.DeltaCodec;
import io.tensorswarm.common.protocol.DeltaCodecs;
import io.tensorswarm.common.protocol.DeltaMetadata;
import io.tensorswarm.common.protocol.ErrorFeedback;
import io.tensorswarm.common.safetensors.SafetensorsWriter;
import io.tensorswarm.common.tensor.Deltas;
import io.tensorswarm.common.tensor.NonFiniteValue;
import io.tensorswarm.common.tensor.ParameterSet;
import io.tensorswarm.common.train.AdamWStateFile;
import io.tensorswarm.common.train.PageOrder;
import io.tensorswarm.common.train.TrainConfig;
import io.tensorswarm.common.train.TrainResult;
import io.tensorswarm.common.train.Trainer;
import io.tensorswarm.common.train.TrainingDeadline;
import io.tensorswarm.common.train.TrainingListener;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a {@link TrainJob}: trains the base on the round's assigned pages (all of them first), then on
 * fresh pages of the miner's page sequence up to {@link TrainJob#maxPages()} ({@link PageOrder}), computes {@code trained -
 * base}, encodes it with the job's codec (through the error-feedback residual when the job keeps
 * one) and writes the delta file atomically, so a reader sees no file or the whole file.
 *
 * <p>Training continues the miner's AdamW state ({@link TrainJob#optimizerIn()}: both moments and the
 * global step, which drives the warm-up-once schedule) and writes the state after training to {@link
 * TrainJob#optimizerOut()}, atomically, for the miner to keep if the round succeeds. A saved state
 * for another model is dropped with one warning; one that cannot be used (torn, not finite) too, and
 * it is renamed to {@code <file>.unusable} for inspection: the miner keeps training with fresh moments
 * rather than stop. Training stops at the job's step cap or before a step that would end after its
 * {@link TrainJob#trainUntil()}, whichever comes first.
 */
public final class DeltaProducer {
    private static final Logger log = LoggerFactory.getLogger(DeltaProducer.class);

    private DeltaProducer() {}

    /** Suffix of a saved optimizer state that could not be used, set aside for inspection. */
    public static final String UNUSABLE_SUFFIX = ".unusable";

    /**
     * What a job did.
     *
     * @param result the training run
     * @param finishSeconds wall time from the end of the training loop to the delta file written
     * @param globalStep the optimizer's step count after the run (restored steps included)
     */
    public record Produced(TrainResult result, double finishSeconds, long globalStep) {
        /** Returns what the worker reports to its supervisor. */
        public WorkerProtocol.Summary summary() {
            return WorkerProtocol.Summary.of(result, finishSeconds, globalStep);
        }
    }

    /**
     * Runs {@code job} and returns the training result; {@code listener} hears about every step.
     *
     * @throws TensorswarmException when training diverges, the data or model cannot be read, or the
     *     codec refuses the delta
     */
    public static TrainResult produce(TrainJob job, TrainingListener listener) {
        return run(job, listener).result();
    }

    /**
     * Runs {@code job} and returns what it did; {@code listener} hears about every step.
     *
     * @throws TensorswarmException when training diverges, the data or model cannot be read, or the
     *     codec refuses the delta
     */
    public static Produced run(TrainJob job, TrainingListener listener) {
        try {
            return runJob(job, listener);
        } catch (IOException e) {
            throw new UncheckedIOException("training job for round " + job.round() + " failed", e);
        }
    }

    private static Produced runJob(TrainJob job, TrainingListener listener) throws IOException {
        DeltaCodec codec = DeltaCodecs.forName(job.codec());
        try (GptModel gpt = ModelDirectory.load(job.baseDir(), TorchRuntime.device(job.device()));
                Tokenizer tokenizer = Tokenizers.forModelDir(job.baseDir(), gpt.config().vocabSize());
                TokenPages corpus = openPages(job, tokenizer, gpt.config().nPositions())) {
            // The assigned pages first (the validators' assigned-page bonus is measured on them), then fresh
            // pages of the miner's own sequence: a longer training sees more data instead of repeating them.
            PageOrder pages = PageOrder.forRound(corpus, job.round(), job.hotkey(), job.pages(), job.maxPages(),
                    job.round());
            TrainConfig config = TrainConfig.defaults()
                    .withSteps(job.maxSteps() == 0 ? TrainConfig.UNLIMITED_STEPS : job.maxSteps())
                    .withBatchSize(job.batchSize())
                    .withGradAccum(job.gradAccum())
                    .withPrecision(job.precision())
                    .withLearningRate(job.learningRate())
                    .withWarmupSteps(job.warmupSteps())
                    .withDecaySteps(job.decaySteps())
                    .withSeed(job.round());
            TrainingDeadline deadline = job.trainUntil() == null ? TrainingDeadline.NONE
                    : TrainingDeadline.atEpochMillis(job.trainUntil().toEpochMilli());
            TrainResult result;
            long globalStep;
            long finishStart;
            ParameterSet stored;
            // The base stays on the device: the host holds the delta, then its encoding, and nothing else.
            try (GptModel.Snapshot base = gpt.snapshot()) {
                try (Trainer trainer = new Trainer(gpt, config)) {
                    if (job.keepsOptimizerState()) {
                        restoreOptimizer(trainer, job);
                    }
                    result = trainer.train(pages, listener, deadline);
                    finishStart = System.nanoTime();
                    globalStep = trainer.globalStep();
                    if (job.keepsOptimizerState()) {
                        createParent(job.optimizerOut());
                        trainer.saveOptimizer(job.optimizerOut());
                    }
                }
                ParameterSet delta = gpt.deltaFrom(base);
                Optional<NonFiniteValue> bad = Deltas.checkFinite(delta);
                if (bad.isPresent()) {
                    throw new WorkerException("training diverged in round " + job.round() + ": the delta holds "
                            + bad.get() + "; nothing written (try a lower --train.lr)");
                }
                ParameterSet tagged = delta.toBuilder()
                        .putMetadata(DeltaMetadata.FORMAT, "pt")
                        .putMetadata(DeltaMetadata.KIND, DeltaMetadata.KIND_DELTA)
                        .putMetadata(DeltaMetadata.BASE_REVISION, job.baseRevision())
                        .putMetadata(DeltaMetadata.STEPS, Integer.toString(result.steps()))
                        .putMetadata(DeltaMetadata.TOKENS, Long.toString(result.tokens()))
                        .build();
                if (job.usesErrorFeedback()) {
                    ErrorFeedback feedback = ErrorFeedback.load(job.residualIn());
                    List<int[]> assigned = corpus.pagesFor(job.round(), job.hotkey(), job.pages());
                    stored = new AssignedPageCheck(gpt, base, assigned, job.batchSize(), job.precision())
                            .encode(codec, feedback, tagged, job.round());
                    createParent(job.residualOut());
                    feedback.save(job.residualOut());
                } else {
                    stored = codec.encode(tagged);
                }
            }
            createParent(job.out());
            new SafetensorsWriter().write(stored, job.out());
            double finishSeconds = (System.nanoTime() - finishStart) / 1e9;
            log.debug("r={} trained {} steps on {} distinct pages ({} assigned, cap {}; {} served) ({}), loss {} -> {}, "
                    + "global step {}; wrote {} in {} s",
                    job.round(), result.steps(), pages.distinctServed(), pages.assigned(), pages.maxPages(),
                    pages.served(), result.stoppedAtDeadline() ? "stopped for the deadline"
                            : "step cap", result.firstLoss(), result.meanOfLast(Math.min(10, result.steps())), globalStep,
                    job.out(), String.format(Locale.ROOT, "%.3f", finishSeconds));
            return new Produced(result, finishSeconds, globalStep);
        }
    }

    /**
     * Continues the saved AdamW state, or trains with fresh moments and says why in one log line; an
     * unusable file is renamed aside so it is neither lost nor read again.
     */
    private static void restoreOptimizer(Trainer trainer, TrainJob job) {
        AdamWStateFile.Restored restored = trainer.restoreOptimizer(job.optimizerIn());
        switch (restored.status()) {
            case RESTORED, ABSENT -> log.info("r={} {}", job.round(), restored.message());
            case MODEL_CHANGED -> log.warn("r={} {}", job.round(), restored.message());
            case UNUSABLE -> log.warn("r={} {}; {}", job.round(), restored.message(), setAside(job.optimizerIn()));
            default -> throw new IllegalStateException("unknown restore status " + restored.status());
        }
    }

    /** Renames {@code file} to {@code <file>.unusable} (replacing an older one) and says where it went. */
    private static String setAside(Path file) {
        Path aside = file.resolveSibling(file.getFileName() + UNUSABLE_SUFFIX);
        try {
            Files.move(file, aside, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            return "kept it as " + aside;
        } catch (IOException e) {
            return "cannot move it aside (" + e.getMessage() + "); it will be replaced after this round";
        }
    }

    private static TokenPages openPages(TrainJob job, Tokenizer tokenizer, int pageLength) {
        if (!Files.exists(job.data())) {
            throw new WorkerException("training data " + job.data() + " does not exist");
        }
        TokenPages.Builder builder = TokenPages.builder()
                .setDataset(TextDatasets.open(job.data(), TextDatasetOptions.DEFAULTS.withTextField(job.textField())))
                .setTokenizer(tokenizer)
                .setPageLength(pageLength);
        if (job.tokenCache() != null) {
            builder.optCacheDir(job.tokenCache());
        }
        return builder.build();
    }

    private static void createParent(Path file) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
    }
}
