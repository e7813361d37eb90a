package io.tensorswarm.miner;

import io.tensorswarm.chain.Chain;
import io.tensorswarm.chain.Chains;
import io.tensorswarm.chain.cli.ChainOptions;
import io.tensorswarm.chain.cli.WalletOptions;
import io.tensorswarm.chain.crypto.Sr25519KeyPair;
import io.tensorswarm.chain.wallet.Wallet;
import io.tensorswarm.common.data.DataSources;
import io.tensorswarm.common.model.TorchRuntime;
import io.tensorswarm.common.cli.ExitCodes;
import io.tensorswarm.common.cli.ExitException;
import io.tensorswarm.common.cli.LoggingMixin;
import io.tensorswarm.common.protocol.RoundClock;
import io.tensorswarm.miner.adversary.Adversary;
import io.tensorswarm.miner.run.ChildProcessRunner;
import io.tensorswarm.miner.run.InProcessRunner;
import io.tensorswarm.miner.run.MinerLoop;
import io.tensorswarm.miner.run.MinerSettings;
import io.tensorswarm.miner.run.Sleeper;
import io.tensorswarm.miner.run.TrainingRunner;
import io.tensorswarm.storage.ObjectStore;
import io.tensorswarm.storage.ObjectStores;
import io.tensorswarm.storage.StorageOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code miner run}: the mining daemon. Each round it trains the current base model on its assigned
 * pages in a supervised worker, commits the delta's hash on chain and uploads the delta and its
 * signed manifest to {@code --storage.location} before the round's deadline. See {@code docs/miner.md}.
 */
@Command(
        name = "run",
        mixinStandardHelpOptions = true,
        description = "Run the miner: train each round's base model and publish the delta before the deadline.")
public final class RunCommand implements Callable<Integer> {
    private static final Logger log = LoggerFactory.getLogger(RunCommand.class);

    /** How a round's training runs. */
    enum WorkerMode {
        CHILD, IN_PROCESS;
    }

    @Mixin LoggingMixin logging;
    @Mixin ChainOptions chainOptions;
    @Mixin WalletOptions walletOptions;

    @Option(names = "--device", defaultValue = "${env:TS_DEVICE:-cpu}", paramLabel = "<device>",
            description = "cpu, cuda or cuda:N (default: ${DEFAULT-VALUE}; GPUs need a -Pcu124 build).")
    String device;

    @Option(names = "--netuid", defaultValue = "${env:TS_NETUID}", description = "Subnet id (env TS_NETUID).")
    Integer netuid;

    @Option(names = "--storage.location", defaultValue = "${env:TS_STORAGE_LOCATION}",
            paramLabel = "<uri>", description = "Where this miner publishes its deltas; committed on chain "
                    + "(env TS_STORAGE_LOCATION).")
    String storageLocation;

    @Option(names = "--base.location", defaultValue = "${env:TS_BASE_LOCATION}", paramLabel = "<uri>",
            description = "Where the base models and 'latest' live (the averager's store; env TS_BASE_LOCATION).")
    String baseLocation;

    @Option(names = "--data", defaultValue = "${env:TS_DATA}", paramLabel = "<path|uri>",
            description = "Training text: a .txt, .jsonl(.gz) or .parquet file, a folder of them, or "
                    + "hf://datasets/owner/name[/glob] (env TS_DATA).")
    String data;

    @Option(names = "--data-cache", defaultValue = "${env:TS_DATA_CACHE:-${sys:user.home}/.cache/tensorswarm/data}",
            paramLabel = "<dir>", description = "Where remote datasets are downloaded (default: ${DEFAULT-VALUE}).")
    Path dataCache;

    @Option(names = "--text-field", defaultValue = "${env:TS_TEXT_FIELD:-text}", paramLabel = "<name>",
            description = "JSON field / Parquet column holding the text (default: ${DEFAULT-VALUE}).")
    String textField;

    @Option(names = "--token-cache", paramLabel = "<dir>",
            defaultValue = "${env:TS_TOKEN_CACHE:-${sys:user.home}/.cache/tensorswarm/tokens}",
            description = "Tokenized data cache (default: ${DEFAULT-VALUE}).")
    Path tokenCache;

    @Option(names = "--state.dir", defaultValue = "${env:TS_STATE_DIR:-work/miner}", paramLabel = "<dir>",
            description = "Persistent state: base model cache, error-feedback residual (default: ${DEFAULT-VALUE}).")
    Path stateDir;

    @Option(names = "--round.blocks", defaultValue = "${env:TS_ROUND_BLOCKS:-20}", description = "Blocks per round (default: ${DEFAULT-VALUE}).")
    long roundBlocks;

    @Option(names = "--round.deadline-margin", defaultValue = "${env:TS_ROUND_DEADLINE_MARGIN:-2}",
            description = "Blocks between a round's deadline and its end (default: ${DEFAULT-VALUE}).")
    long deadlineMargin;

    @Option(names = "--pages", defaultValue = "${env:TS_PAGES:-32}", description = "Assigned pages per round (default: ${DEFAULT-VALUE}).")
    int pages;

    @Option(names = "--train.steps", defaultValue = "${env:TS_TRAIN_STEPS:-50}", description = "Inner steps per round (default: ${DEFAULT-VALUE}).")
    int steps;

    @Option(names = "--train.batch-size", defaultValue = "${env:TS_TRAIN_BATCH_SIZE:-8}", description = "Pages per step (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(names = "--train.lr", defaultValue = "${env:TS_TRAIN_LR:-1e-3}", description = "Peak learning rate (default: ${DEFAULT-VALUE}).")
    double learningRate;

    @Option(names = "--codec", defaultValue = "${env:TS_CODEC:-bf16}", paramLabel = "fp32|bf16|int8|topk",
            description = "Delta codec; topk keeps an error-feedback residual in --state.dir (default: ${DEFAULT-VALUE}).")
    String codec;

    @Option(names = "--worker", defaultValue = "${env:TS_WORKER:-child}", paramLabel = "child|in-process",
            converter = WorkerModeConverter.class,
            description = "Train in a supervised child JVM (restarted on crash) or in this JVM (default: ${DEFAULT-VALUE}).")
    WorkerMode worker;

    @Option(names = "--worker.max-attempts", defaultValue = "${env:TS_WORKER_MAX_ATTEMPTS:-3}",
            description = "Worker starts per round before giving the round up (default: ${DEFAULT-VALUE}).")
    int maxAttempts;

    @Option(names = "--worker.jvm-args", split = " ", defaultValue = "${env:TS_WORKER_JVM_ARGS:-}", paramLabel = "<args>",
            description = "JVM options of the training worker, space-separated, e.g. \"-Xmx16g\".")
    List<String> workerJvmArgs;

    @Option(names = "--rounds", defaultValue = "${env:TS_ROUNDS:-0}", description = "Rounds to run, then exit; 0 = forever (default: ${DEFAULT-VALUE}).")
    long rounds;

    @Option(names = "--once", description = "Run one round, then exit (same as --rounds 1).")
    boolean once;

    @Option(names = "--poll", defaultValue = "${env:TS_POLL:-PT2S}", converter = DurationConverter.class,
            description = "Wait between chain polls, ISO-8601 (default: ${DEFAULT-VALUE}).")
    Duration poll;

    @Option(names = "--max-model-bytes", defaultValue = "${env:TS_MAX_MODEL_BYTES:-34359738368}",
            description = "Largest base model file accepted (default: ${DEFAULT-VALUE}).")
    long maxModelBytes;

    @Option(names = "--adversary", hidden = true, paramLabel = "lazy|copier|noise", converter = AdversaryConverter.class,
            description = "LOCAL DEMO AND TESTS ONLY: behave dishonestly (lazy, copier or noise; see io.tensorswarm.miner.adversary).")
    Adversary adversary;

    @Override
    public Integer call() throws InterruptedException {
        logging.apply();
        requireFlag(netuid, "--netuid", "TS_NETUID");
        requireFlag(storageLocation, "--storage.location", "TS_STORAGE_LOCATION");
        requireFlag(baseLocation, "--base.location", "TS_BASE_LOCATION");
        requireFlag(data, "--data", "TS_DATA");
        TorchRuntime.device(device);
        Path dataPath = DataSources.resolve(data, dataCache);
        MinerSettings settings = new MinerSettings(netuid, storageLocation, new RoundClock(roundBlocks, deadlineMargin),
                dataPath, textField, tokenCache, device,
                pages, steps, batchSize, learningRate, codec, stateDir, once ? 1 : rounds, poll, maxModelBytes);
        Sr25519KeyPair hotkey = Wallet.at(walletOptions.paths()).hotkey();
        StorageOptions storageOptions = StorageOptions.fromEnvironment(System.getenv());
        TrainingRunner runner = worker == WorkerMode.IN_PROCESS ? new InProcessRunner()
                : ChildProcessRunner.forCurrentJvm(workerJvmArgs == null ? List.of() : workerJvmArgs, Map.of(), maxAttempts,
                        Duration.ofSeconds(2), Sleeper.SYSTEM);
        try (Chain chain = Chains.connect(chainOptions.settings(System::getenv));
                ObjectStore base = ObjectStores.open(baseLocation, storageOptions);
                ObjectStore honestStore = ObjectStores.open(storageLocation, storageOptions)) {
            ObjectStore own = honestStore;
            if (adversary != null) {
                log.warn("running as the '{}' ADVERSARY: a test-support mode for the local subnet only", adversary.flagValue());
                runner = adversary.runner(runner, chain, netuid, storageOptions, Sleeper.SYSTEM, poll);
                own = adversary.ownStore(honestStore);
            }
            new MinerLoop(settings, chain, hotkey, base, own, runner, Sleeper.SYSTEM).run();
        }
        return ExitCodes.OK;
    }

    private static void requireFlag(Object value, String flag, String env) {
        if (value == null) {
            throw new ExitException(ExitCodes.USAGE, "missing " + flag + " (or env " + env + ")");
        }
    }

    /** Parses {@code child} and {@code in-process}. */
    static final class WorkerModeConverter implements picocli.CommandLine.ITypeConverter<WorkerMode> {
        @Override
        public WorkerMode convert(String value) {
            return switch (value) {
                case "child" -> WorkerMode.CHILD;
                case "in-process" -> WorkerMode.IN_PROCESS;
                default -> throw new picocli.CommandLine.TypeConversionException("expected child or in-process, got " + value);
            };
        }
    }

    /** Parses {@code lazy}, {@code copier} and {@code noise}. */
    static final class AdversaryConverter implements picocli.CommandLine.ITypeConverter<Adversary> {
        @Override
        public Adversary convert(String value) {
            try {
                return Adversary.parse(value);
            } catch (IllegalArgumentException e) {
                throw new picocli.CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }

    /** Parses ISO-8601 durations such as {@code PT2S}. */
    static final class DurationConverter implements picocli.CommandLine.ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            return Duration.parse(value);
        }
    }
}
