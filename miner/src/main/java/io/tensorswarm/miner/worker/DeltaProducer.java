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
import io.tensorswarm.common.train.TrainConfig;
import io.tensorswarm.common.train.TrainResult;
import io.tensorswarm.common.train.Trainer;
import io.tensorswarm.common.train.TrainingListener;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a {@link TrainJob}: trains the base on the round's assigned pages, computes {@code trained -
 * base}, encodes it with the job's codec (through the error-feedback residual when the job keeps
 * one) and writes the delta file atomically, so a reader sees no file or the whole file.
 */
public final class DeltaProducer {
    private static final Logger log = LoggerFactory.getLogger(DeltaProducer.class);

    private DeltaProducer() {}

    /**
     * Runs {@code job} and returns the training result; {@code listener} hears about every step.
     *
     * @throws TensorswarmException when training diverges, the data or model cannot be read, or the
     *     codec refuses the delta
     */
    public static TrainResult produce(TrainJob job, TrainingListener listener) {
        try {
            return run(job, listener);
        } catch (IOException e) {
            throw new UncheckedIOException("training job for round " + job.round() + " failed", e);
        }
    }

    private static TrainResult run(TrainJob job, TrainingListener listener) throws IOException {
        DeltaCodec codec = DeltaCodecs.forName(job.codec());
        try (GptModel gpt = ModelDirectory.load(job.baseDir(), TorchRuntime.device(job.device()));
                Tokenizer tokenizer = Tokenizers.forModelDir(job.baseDir(), gpt.config().vocabSize());
                TokenPages corpus = openPages(job, tokenizer, gpt.config().nPositions())) {
            List<int[]> pages = corpus.pagesFor(job.round(), job.hotkey(), job.pages());
            TrainConfig config = TrainConfig.defaults()
                    .withSteps(job.steps())
                    .withBatchSize(job.batchSize())
                    .withGradAccum(job.gradAccum())
                    .withPrecision(job.precision())
                    .withLearningRate(job.learningRate())
                    .withWarmupSteps(Math.min(100, job.steps() / 10))
                    .withSeed(job.round());
            TrainResult result;
            ParameterSet delta;
            // The base stays on the device: the host holds the delta, then its encoding, and nothing else.
            try (GptModel.Snapshot base = gpt.snapshot()) {
                try (Trainer trainer = new Trainer(gpt, config)) {
                    result = trainer.train(pages, listener);
                }
                delta = gpt.deltaFrom(base);
            }
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
            ParameterSet stored;
            if (job.usesErrorFeedback()) {
                ErrorFeedback feedback = ErrorFeedback.load(job.residualIn());
                stored = feedback.encode(codec, tagged);
                createParent(job.residualOut());
                feedback.save(job.residualOut());
            } else {
                stored = codec.encode(tagged);
            }
            createParent(job.out());
            new SafetensorsWriter().write(stored, job.out());
            log.debug("round {}: trained {} steps on {} pages, loss {} -> {}, wrote {}", job.round(), result.steps(),
                    pages.size(), result.firstLoss(), result.meanOfLast(Math.min(10, result.steps())), job.out());
            return result;
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
