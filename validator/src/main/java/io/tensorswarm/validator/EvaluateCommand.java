package io.tensorswarm.validator;

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
import io.tensorswarm.common.eval.Evaluator;
import io.tensorswarm.common.model.GptModel;
import io.tensorswarm.common.model.ModelDirectory;
import io.tensorswarm.common.protocol.DeltaCodecException;
import io.tensorswarm.common.protocol.DeltaCodecs;
import io.tensorswarm.common.protocol.DeltaMetadata;
import io.tensorswarm.common.protocol.Fp32Codec;
import io.tensorswarm.common.safetensors.ReadLimits;
import io.tensorswarm.common.safetensors.SafetensorsHeader;
import io.tensorswarm.common.safetensors.SafetensorsReader;
import io.tensorswarm.common.tensor.ParameterSet;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code validator evaluate}: mean next-token loss of a model on pages of local data, and with
 * {@code --delta} the loss after adding a miner's delta in any protocol codec, decoded and checked
 * the way a validator decodes and checks one.
 */
@Command(
        name = "evaluate",
        mixinStandardHelpOptions = true,
        description = "Measure a model's held-out loss, and how much a weight delta lowers it.")
public final class EvaluateCommand implements Callable<Integer> {
    private static final Logger log = LoggerFactory.getLogger(EvaluateCommand.class);

    @Spec CommandSpec spec;
    @Mixin LoggingMixin logging;
    @Mixin DataOptions data;
    @Mixin DeviceOption device;
    @Mixin PrecisionOption precision;

    @Mixin ModelOption modelOption;

    @Option(names = "--delta", paramLabel = "<file>", description = "A weight delta (.safetensors) to score.")
    Path delta;

    @Option(names = "--pages", defaultValue = "all", paramLabel = "all|<n>",
            converter = PagesSelection.Converter.class,
            description = "all: every complete, non-overlapping window of n_positions tokens from the start; "
                    + "N: N pages drawn with --seed. Default: ${DEFAULT-VALUE}.")
    PagesSelection pages;

    @Option(names = "--seed", defaultValue = "0", description = "Seed that draws --pages N (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--batch-size", defaultValue = "8", description = "Pages per forward pass (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(names = "--max-delta-mb", defaultValue = "4096",
            description = "Refuse delta files larger than this (default: ${DEFAULT-VALUE} MB).")
    long maxDeltaMb;

    @Option(names = "--allow-other-base",
            description = "Score a delta whose metadata names another base revision (normally refused).")
    boolean allowOtherBase;

    @Option(names = "--json", description = "Print the result as JSON on stdout.")
    boolean json;

    @Override
    public Integer call() throws IOException {
        logging.apply();
        if (batchSize < 1) {
            throw new ExitException(ExitCodes.USAGE, "--batch-size must be at least 1");
        }
        Path model = modelOption.dir();
        String baseRevision = modelOption.revision();
        ParameterSet stored = delta == null ? null : readDelta(baseRevision);

        try (GptModel gpt = ModelDirectory.load(model, device.resolve());
                Tokenizer tokenizer = Tokenizers.forModelDir(model, gpt.config().vocabSize());
                TokenPages corpus = data.open(tokenizer, gpt.config().nPositions())) {
            List<int[]> selected = pages.select(corpus, seed);
            log.info("evaluating {} on {} pages of {} tokens from {}", model, selected.size(), corpus.pageLength(),
                    data.data());
            Evaluator evaluator = new Evaluator(batchSize, precision.get());
            ObjectNode node = new ObjectMapper().createObjectNode();
            if (stored == null) {
                Evaluator.Result r = evaluator.evaluate(gpt, selected);
                node.put("loss_base", r.meanLoss());
                node.put("pages", selected.size());
                node.put("tokens", r.tokens());
                print(node, String.format(Locale.ROOT, "loss %.6f over %d pages (%d predicted tokens)",
                        r.meanLoss(), selected.size(), r.tokens()));
            } else {
                ParameterSet base = gpt.parameters();
                ParameterSet deltaSet = decode(stored, base);
                Evaluator.Comparison c = evaluator.compareWithDelta(gpt, base, deltaSet, selected);
                double before = c.base().meanLoss();
                double after = c.withDelta().meanLoss();
                node.put("loss_base", before);
                node.put("loss_after", after);
                node.put("improvement", before - after);
                node.put("relative_improvement", (before - after) / before);
                node.put("pages", selected.size());
                node.put("tokens", c.base().tokens());
                print(node, String.format(Locale.ROOT,
                        "loss %.6f -> %.6f with the delta: improvement %.6f (%.2f%%) over %d pages",
                        before, after, before - after, 100 * (before - after) / before, selected.size()));
            }
        }
        return ExitCodes.OK;
    }

    /**
     * Reads and checks a delta file before any model is loaded: size, header, base revision, a codec
     * the protocol knows. Returns the stored tensors, decoded by {@link #decode} once the base is loaded.
     */
    private ParameterSet readDelta(String baseRevision) throws IOException {
        if (!Files.isRegularFile(delta)) {
            throw new ExitException(ExitCodes.FAILURE, "--delta " + delta + " is not a file");
        }
        long cap = maxDeltaMb * 1024 * 1024;
        SafetensorsReader reader = new SafetensorsReader(ReadLimits.defaults().withMaxTotalBytes(cap));
        SafetensorsHeader header = reader.readHeader(delta);
        String claimed = header.metadata().get(DeltaMetadata.BASE_REVISION);
        if (claimed != null && !claimed.equals(baseRevision) && !allowOtherBase) {
            throw new ExitException(ExitCodes.FAILURE, "delta " + delta + " was computed against base revision "
                    + claimed + ", but " + modelOption.dir() + " is revision " + baseRevision);
        }
        if (claimed == null) {
            log.warn("delta {} names no base revision; scoring it against {} anyway", delta, modelOption.dir());
        }
        String codec = header.metadata().get(DeltaMetadata.CODEC);
        if (codec != null && !DeltaCodecs.isKnown(codec)) {
            throw new ExitException(ExitCodes.FAILURE, "delta " + delta + " is stored with codec '" + codec
                    + "', which the protocol does not know (known: " + String.join(", ", DeltaCodecs.names()) + ")");
        }
        return reader.read(delta);
    }

    /**
     * Decodes the stored delta against the base's layout with the codec it names, as validators do
     * ({@link DeltaCodecs#forStored}): exactly the base's tensors, every value finite. A file that
     * names no codec is read as {@code fp32} (a delta written by another trainer), with a warning.
     */
    private ParameterSet decode(ParameterSet stored, ParameterSet base) {
        try {
            if (stored.metadata().get(DeltaMetadata.CODEC) == null) {
                log.warn("delta {} names no codec ({}); reading it as {}", delta, DeltaMetadata.CODEC, Fp32Codec.NAME);
                ParameterSet named = stored.toBuilder().putMetadata(DeltaMetadata.CODEC, Fp32Codec.NAME).build();
                return new Fp32Codec().decode(named, base);
            }
            return DeltaCodecs.forStored(stored).decode(stored, base);
        } catch (DeltaCodecException e) {
            throw new ExitException(ExitCodes.FAILURE, "delta " + delta + ": " + e.getMessage());
        }
    }

    private void print(ObjectNode node, String human) throws IOException {
        if (json) {
            spec.commandLine().getOut().println(new ObjectMapper().writeValueAsString(node));
        } else {
            spec.commandLine().getOut().println(human);
        }
        spec.commandLine().getOut().flush();
    }
}
