package io.tensorswarm.averager;

import io.tensorswarm.common.cli.ExitCodes;
import io.tensorswarm.common.cli.ExitException;
import io.tensorswarm.common.cli.LoggingMixin;
import io.tensorswarm.common.data.Tokenizers;
import io.tensorswarm.common.model.GptConfig;
import io.tensorswarm.common.model.GptModel;
import io.tensorswarm.common.model.ModelDirectory;
import io.tensorswarm.common.model.TorchRuntime;
import io.tensorswarm.common.protocol.Sha256;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code averager init}: writes a freshly initialised base model directory. */
@Command(
        name = "init",
        mixinStandardHelpOptions = true,
        description = "Write a fresh base model (config.json + model.safetensors, Hugging Face GPT-2 layout).")
public final class InitCommand implements Callable<Integer> {
    private static final Logger log = LoggerFactory.getLogger(InitCommand.class);

    @Spec CommandSpec spec;
    @Mixin LoggingMixin logging;

    static final class Architecture {
        @Option(names = "--preset", paramLabel = "<name>",
                description = "tiny (byte-level, CPU demo), gpt2 (124M) or gpt2-medium (355M).")
        String preset;

        @Option(names = "--config", paramLabel = "<config.json>",
                description = "A Hugging Face GPT2Config file instead of a preset.")
        Path config;
    }

    @ArgGroup(exclusive = true, multiplicity = "1")
    Architecture architecture;

    @Option(names = "--seed", defaultValue = "0", description = "Initialisation seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--out", required = true, paramLabel = "<dir>", description = "Model directory to create.")
    Path out;

    @Option(names = "--tokenizer", paramLabel = "<tokenizer.json>",
            description = "A Hugging Face tokenizer.json to ship with the model (needed unless the vocabulary is 256; "
                    + "the gpt2 presets default to GPT-2's, data/tokenizers/gpt2/tokenizer.json, which "
                    + "scripts/fetch-gpt2-tokenizer.sh installs).")
    Path tokenizer;

    /** Where {@code scripts/fetch-gpt2-tokenizer.sh} puts GPT-2's tokenizer, relative to the project root. */
    static final Path GPT2_TOKENIZER = Path.of("data", "tokenizers", "gpt2", "tokenizer.json");

    @Option(names = "--force", description = "Overwrite an existing model in --out.")
    boolean force;

    @Override
    public Integer call() throws IOException {
        logging.apply();
        GptConfig config = architecture.config != null
                ? GptConfig.read(architecture.config)
                : GptConfig.preset(architecture.preset);
        if (Files.exists(out.resolve(ModelDirectory.WEIGHTS_FILE)) && !force) {
            throw new ExitException(ExitCodes.FAILURE, out + " already holds a model; pass --force to overwrite it");
        }
        if (tokenizer == null && architecture.preset != null && architecture.preset.startsWith("gpt2")) {
            tokenizer = installedGpt2Tokenizer(architecture.preset);
        }
        if (tokenizer != null && !Files.isRegularFile(tokenizer)) {
            throw new ExitException(ExitCodes.FAILURE, "--tokenizer " + tokenizer + " is not a file");
        }
        try (GptModel model = GptModel.create(config, seed, TorchRuntime.device("cpu"))) {
            ModelDirectory.save(model, out);
        }
        if (tokenizer != null) {
            Files.copy(tokenizer, out.resolve(Tokenizers.TOKENIZER_FILE), StandardCopyOption.REPLACE_EXISTING);
        }
        // Fail now, not at the first training run, when the model has no usable tokenizer.
        Tokenizers.forModelDir(out, config.vocabSize()).close();
        String revision = Sha256.ofFile(out.resolve(ModelDirectory.WEIGHTS_FILE));
        log.info("initialised {} parameters with seed {}", config.parameterCount(), seed);
        spec.commandLine().getOut().println("wrote " + out + " (" + config.parameterCount() + " parameters, revision "
                + revision + ")");
        spec.commandLine().getOut().flush();
        return ExitCodes.OK;
    }

    /** Returns GPT-2's installed tokenizer: under the working directory, else under the jar's project root. */
    private static Path installedGpt2Tokenizer(String preset) {
        List<Path> candidates = new ArrayList<>();
        candidates.add(GPT2_TOKENIZER);
        try {
            Path jar = Path.of(InitCommand.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            if (jar.getParent() != null && jar.getParent().getParent() != null) {
                candidates.add(jar.getParent().getParent().resolve(GPT2_TOKENIZER)); // dist/averager.jar -> root
            }
        } catch (java.net.URISyntaxException | RuntimeException e) {
            // not run from a file: the working directory is the only candidate
        }
        for (Path c : candidates) {
            if (Files.isRegularFile(c)) {
                return c;
            }
        }
        throw new ExitException(ExitCodes.FAILURE, "--preset " + preset + " needs GPT-2's tokenizer and none is installed"
                + " at " + GPT2_TOKENIZER + ": run ./scripts/fetch-gpt2-tokenizer.sh, or pass --tokenizer");
    }
}
