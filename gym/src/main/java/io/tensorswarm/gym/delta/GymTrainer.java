package io.tensorswarm.gym.delta;

import io.tensorswarm.common.data.TextDatasetOptions;
import io.tensorswarm.common.data.TextDatasets;
import io.tensorswarm.common.data.TokenPages;
import io.tensorswarm.common.data.Tokenizer;
import io.tensorswarm.common.data.Tokenizers;
import io.tensorswarm.common.model.GptModel;
import io.tensorswarm.common.model.ModelDirectory;
import io.tensorswarm.common.model.TorchRuntime;
import io.tensorswarm.common.tensor.Deltas;
import io.tensorswarm.common.tensor.NonFiniteValue;
import io.tensorswarm.common.tensor.ParameterSet;
import io.tensorswarm.common.train.TrainConfig;
import io.tensorswarm.common.train.TrainResult;
import io.tensorswarm.common.train.Trainer;
import io.tensorswarm.gym.GymSettings.TrainSettings;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Training for the adversaries that do some (the stale miner, the fine-tune copier), in process and
 * with the common module's code exactly as an honest miner's worker uses it: the round's assigned
 * pages of the hotkey ({@link TokenPages#pagesFor}), the same {@link TrainConfig} (warm-up a tenth of
 * the steps, seed = round), and {@code trained - base} as the delta.
 */
public final class GymTrainer {
    private static final Logger log = LoggerFactory.getLogger(GymTrainer.class);

    private final TrainSettings settings;

    public GymTrainer(TrainSettings settings) {
        this.settings = settings;
    }

    /**
     * Trains the model in {@code baseDir}, first moved by {@code headStart} when given, for {@code
     * steps} steps on {@code hotkey}'s assigned pages of {@code round}, and returns {@code trained -
     * base} (F32, no metadata).
     *
     * @throws IllegalStateException when training diverges
     */
    public ParameterSet train(Path baseDir, Optional<ParameterSet> headStart, long round, String hotkey, int steps) {
        try (GptModel gpt = ModelDirectory.load(baseDir, TorchRuntime.device(settings.device()));
                Tokenizer tokenizer = Tokenizers.forModelDir(baseDir, gpt.config().vocabSize());
                TokenPages corpus = pages(tokenizer, gpt.config().nPositions())) {
            ParameterSet base = gpt.parameters();
            if (headStart.isPresent()) {
                gpt.loadParameters(Deltas.apply(base, headStart.get(), 1f));
            }
            List<int[]> pages = corpus.pagesFor(round, hotkey, settings.pages());
            TrainConfig config = TrainConfig.defaults()
                    .withSteps(steps)
                    .withBatchSize(settings.batchSize())
                    .withLearningRate(settings.learningRate())
                    .withWarmupSteps(Math.min(100, steps / 10))
                    .withSeed(round);
            TrainResult result;
            try (Trainer trainer = new Trainer(gpt, config)) {
                result = trainer.train(pages, m -> { });
            }
            ParameterSet delta = gpt.deltaFrom(base); // base and delta: the only full host copies
            Optional<NonFiniteValue> bad = Deltas.checkFinite(delta);
            if (bad.isPresent()) {
                throw new IllegalStateException("training diverged: the delta holds " + bad.get());
            }
            log.info("trained {} steps on {} pages of round {}: loss {} -> {}", result.steps(), pages.size(), round,
                    String.format(Locale.ROOT, "%.4f", result.firstLoss()),
                    String.format(Locale.ROOT, "%.4f", result.meanOfLast(Math.min(3, result.steps()))));
            return delta;
        }
    }

    private TokenPages pages(Tokenizer tokenizer, int pageLength) {
        TokenPages.Builder builder = TokenPages.builder()
                .setDataset(TextDatasets.open(settings.data(), TextDatasetOptions.DEFAULTS.withTextField(settings.textField())))
                .setTokenizer(tokenizer)
                .setPageLength(pageLength);
        if (settings.tokenCache() != null) {
            builder.optCacheDir(settings.tokenCache());
        }
        return builder.build();
    }
}
