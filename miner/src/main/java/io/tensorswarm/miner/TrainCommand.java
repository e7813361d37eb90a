package io.tensorswarm.miner;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tensorswarm.common.cli.DataOptions;
import io.tensorswarm.common.cli.DeviceOption;
import io.tensorswarm.common.cli.ExitCodes;
import io.tensorswarm.common.cli.ExitException;
import io.tensorswarm.common.cli.LoggingMixin;
import io.tensorswarm.common.cli.ModelOption;
import io.tensorswarm.common.cli.PagesSelection;
import io.tensorswarm.common.cli.PrecisionOption;
import io.tensorswarm.common.data.TokenPages;
import io.tensorswarm.common.data.Tokenizer;
import io.tensorswarm.common.data.Tokenizers;
import io.tensorswarm.common.model.GptModel;
import io.tensorswarm.common.model.ModelDirectory;
import io.tensorswarm.common.protocol.DeltaCodecs;
import io.tensorswarm.common.protocol.DeltaMetadata;
import io.tensorswarm.common.protocol.Sha256;
import io.tensorswarm.common.safetensors.SafetensorsWriter;
import io.tensorswarm.common.tensor.Deltas;
import io.tensorswarm.common.tensor.NonFiniteValue;
import io.tensorswarm.common.tensor.ParameterSet;
import io.tensorswarm.common.train.ConsoleProgress;
import io.tensorswarm.common.train.TrainConfig;
import io.tensorswarm.common.train.TrainResult;
import io.tensorswarm.common.train.Trainer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code miner train}: trains a base model for N steps on local data and writes the weight delta
 * ({@code trained - base}) as safetensors, tagged with the base model's revision and encoded with
 * one of the protocol's codecs ({@link CodecOption}, as {@code miner run}).
 */
@Command(
        name = "train",
        mixinStandardHelpOptions = true,
        description = "Train a base model on local data and write the weight delta (trained - base).")
public final class TrainCommand implements Callable<Integer> {
    private static final Logger log = LoggerFactory.getLogger(TrainCommand.class);

    @Spec CommandSpec spec;
    @Mixin LoggingMixin logging;
    @Mixin DataOptions data;
    @Mixin DeviceOption device;
    @Mixin PrecisionOption precision;

    @Mixin ModelOption modelOption;

    @Option(names = "--steps", required = true, paramLabel = "<n>", description = "Optimizer steps to run.")
    int steps;

    @Option(names = "--out", required = true, paramLabel = "<file>",
            description = "Where to write the delta (.safetensors); written atomically.")
    Path out;

    @Option(names = "--pages", defaultValue = "all", paramLabel = "all|<n>",
            converter = PagesSelection.Converter.class,
            description = "Training pages: all, or N pages (assigned by --round/--hotkey when given, "
                    + "else drawn with --seed). Default: ${DEFAULT-VALUE}.")
    PagesSelection pages;

    @Option(names = "--round", paramLabel = "<r>", description = "Round whose page assignment to train on.")
    Long round;

    @Option(names = "--hotkey", paramLabel = "<ss58>", description = "Miner hotkey whose page assignment to train on.")
    String hotkey;

    @Option(names = "--batch-size", defaultValue = "8", description = "Pages per step (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(names = "--grad-accum", defaultValue = "1", paramLabel = "<n>",
            description = "Micro-batches of --batch-size pages per optimizer step: the update of one batch of "
                    + "n x batch-size pages in the memory of one micro-batch (default: ${DEFAULT-VALUE}).")
    int gradAccum;

    @Option(names = "--lr", defaultValue = "1e-3", description = "Peak learning rate (default: ${DEFAULT-VALUE}).")
    double learningRate;

    @Option(names = "--warmup", defaultValue = "-1",
            description = "Warm-up steps (default: 10%% of --steps, at most 100).")
    int warmup;

    @Option(names = "--weight-decay", defaultValue = "0.1", description = "AdamW weight decay (default: ${DEFAULT-VALUE}).")
    double weightDecay;

    @Option(names = "--grad-clip", defaultValue = "1.0",
            description = "Global gradient-norm clip, 0 = off (default: ${DEFAULT-VALUE}).")
    double gradClip;

    @Option(names = "--seed", defaultValue = "0", description = "Seed of the page order (default: ${DEFAULT-VALUE}).")
    long seed;

    @Mixin CodecOption codecOption;

    @Option(names = "--log-every", defaultValue = "10", description = "Steps between progress lines (default: ${DEFAULT-VALUE}).")
    int logEvery;

    @Option(names = "--json", description = "Print a JSON summary on stdout.")
    boolean json;

    @Override
    public Integer call() throws IOException {
        logging.apply();
        String codec = codecOption.name();
        if ((round == null) != (hotkey == null)) {
            throw new ExitException(ExitCodes.USAGE, "--round and --hotkey go together");
        }
        if (round != null && pages.all()) {
            throw new ExitException(ExitCodes.USAGE, "--round/--hotkey need a page count: --pages N");
        }
        int warmupSteps = warmup >= 0 ? warmup : Math.min(100, steps / 10);
        TrainConfig config = TrainConfig.defaults()
                .withSteps(steps)
                .withBatchSize(batchSize)
                .withGradAccum(gradAccum)
                .withPrecision(precision.get())
                .withLearningRate(learningRate)
                .withWarmupSteps(warmupSteps)
                .withWeightDecay(weightDecay)
                .withGradClip(gradClip)
                .withSeed(seed)
                .withLogEvery(logEvery);
        Path model = modelOption.dir();
        String baseRevision = modelOption.revision();

        try (GptModel gpt = ModelDirectory.load(model, device.resolve());
                Tokenizer tokenizer = Tokenizers.forModelDir(model, gpt.config().vocabSize());
                TokenPages corpus = data.open(tokenizer, gpt.config().nPositions())) {
            List<int[]> pool = choosePages(corpus);
            log.info("base {} ({} parameters, revision {}), {} training pages of {} tokens from {}",
                    model, gpt.config().parameterCount(), shortHash(baseRevision), pool.size(),
                    corpus.pageLength(), data.data());
            TrainResult result;
            ParameterSet delta;
            try (GptModel.Snapshot base = gpt.snapshot()) { // on the device: the host holds only the delta
                try (Trainer trainer = new Trainer(gpt, config)) {
                    result = trainer.train(pool, ConsoleProgress.stderr(logEvery));
                }
                delta = gpt.deltaFrom(base);
            }
            Optional<NonFiniteValue> bad = Deltas.checkFinite(delta);
            if (bad.isPresent()) {
                throw new ExitException(ExitCodes.FAILURE, "training diverged: the delta holds " + bad.get()
                        + "; nothing written (try a lower --lr)");
            }
            ParameterSet tagged = delta.toBuilder()
                    .putMetadata(DeltaMetadata.FORMAT, "pt")
                    .putMetadata(DeltaMetadata.KIND, DeltaMetadata.KIND_DELTA)
                    .putMetadata(DeltaMetadata.BASE_REVISION, baseRevision)
                    .putMetadata(DeltaMetadata.STEPS, Integer.toString(result.steps()))
                    .putMetadata(DeltaMetadata.TOKENS, Long.toString(result.tokens()))
                    .build();
            Path parent = out.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            // A single delta: the sparse codecs keep no error-feedback residual here (miner run does, across rounds).
            new SafetensorsWriter().write(DeltaCodecs.forName(codec).encode(tagged), out);
            String deltaHash = Sha256.ofFile(out);
            double norm = Deltas.l2Norm(delta);
            log.info("wrote delta {} ({} bytes, {}, L2 norm {}, sha256 {})", out, Files.size(out),
                    codec, String.format(Locale.ROOT, "%.4f", norm), shortHash(deltaHash));
            if (json) {
                ObjectMapper mapper = new ObjectMapper();
                ObjectNode node = mapper.createObjectNode();
                node.put("delta", out.toString());
                node.put("delta_sha256", deltaHash);
                node.put("base_revision", baseRevision);
                node.put("steps", result.steps());
                node.put("tokens", result.tokens());
                node.put("loss_first", result.firstLoss());
                node.put("loss_last", result.meanOfLast(Math.min(10, result.steps())));
                node.put("delta_l2_norm", norm);
                node.put("seconds", result.seconds());
                node.put("tokens_per_second", result.tokensPerSecond());
                spec.commandLine().getOut().println(mapper.writeValueAsString(node));
                spec.commandLine().getOut().flush();
            }
        }
        return ExitCodes.OK;
    }

    private List<int[]> choosePages(TokenPages corpus) {
        if (pages.all()) {
            return corpus.allPages();
        }
        if (round != null) {
            return corpus.pagesFor(round, hotkey, pages.count());
        }
        return corpus.evalPages(seed, pages.count());
    }

    static String shortHash(String hex) {
        return hex.length() > 12 ? hex.substring(0, 12) : hex;
    }
}
