package io.tensorswarm.miner;

import io.tensorswarm.chain.Chain;
import io.tensorswarm.chain.Chains;
import io.tensorswarm.chain.auth.HeartbeatReporter;
import io.tensorswarm.chain.auth.OrchestratorClient;
import io.tensorswarm.chain.cli.ChainOptions;
import io.tensorswarm.chain.cli.OrchestratorOptions;
import io.tensorswarm.chain.cli.WalletOptions;
import io.tensorswarm.chain.crypto.Sr25519KeyPair;
import io.tensorswarm.chain.local.LocalChain;
import io.tensorswarm.chain.wallet.Wallet;
import io.tensorswarm.common.cli.ExitCodes;
import io.tensorswarm.common.cli.ExitException;
import io.tensorswarm.common.cli.LoggingMixin;
import io.tensorswarm.common.cli.OpsOptions;
import io.tensorswarm.common.cli.PrecisionOption;
import io.tensorswarm.common.data.DataSources;
import io.tensorswarm.common.model.TorchRuntime;
import io.tensorswarm.common.ops.LogIdentity;
import io.tensorswarm.common.ops.Operations;
import io.tensorswarm.common.protocol.RoundClock;
import io.tensorswarm.miner.run.ChildProcessRunner;
import io.tensorswarm.miner.run.InProcessRunner;
import io.tensorswarm.miner.run.MinerLoop;
import io.tensorswarm.miner.run.MinerSettings;
import io.tensorswarm.miner.run.Sleeper;
import io.tensorswarm.miner.run.TrainingRunner;
import io.tensorswarm.miner.worker.TrainWorker;
import io.tensorswarm.storage.MeteredObjectStore;
import io.tensorswarm.storage.ObjectStore;
import io.tensorswarm.storage.ObjectStores;
import io.tensorswarm.storage.StorageOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.UnaryOperator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code miner run}: the mining daemon. Each round it trains the round's base model on its assigned
 * pages in a supervised worker, commits the delta's hash on chain before the round's deadline and
 * uploads the delta and its signed manifest to {@code --storage.location} in the upload window after
 * it. See {@code docs/miner.md}.
 */
@Command(
        name = "run",
        mixinStandardHelpOptions = true,
        sortOptions = true,
        abbreviateSynopsis = true,
        description = {"Run the miner: train each round's base model and publish the delta.",
            "It commits the delta before the round's deadline and uploads it in the upload",
            "window after the deadline.",
            "Options can also come from the environment variables (TS_*, BT_*) named in their descriptions."},
        footer = {"",
            "Metrics (with --metrics.port): GET /metrics in Prometheus text format:",
            "  tensorswarm_round, tensorswarm_train_step, tensorswarm_loss{kind=\"train\"},",
            "  tensorswarm_tokens_per_second, tensorswarm_bytes_uploaded_total,",
            "  tensorswarm_bytes_downloaded_total, tensorswarm_rounds_completed_total,",
            "  tensorswarm_errors_total{kind}; GET /health: 200 ok, 503 stalled/stopping.",
            "Stop: SIGTERM kills a running training worker and abandons its round",
            "  (nothing is committed); a round already committed waits for its upload",
            "  window and uploads (within --shutdown.grace).",
            "  Exits 143 within --shutdown.grace; --state.dir keeps the last complete state.",
            "Exit codes: 0 done (--rounds, --once), 1 failure, 2 usage, 143 SIGTERM.",
            "See docs/miner.md."})
public final class RunCommand implements Callable<Integer> {
    /** How a round's training runs. */
    enum WorkerMode {
        CHILD, IN_PROCESS;
    }

    @Spec CommandSpec spec;
    @Mixin LoggingMixin logging;
    @Mixin OpsOptions opsOptions;
    @Mixin ChainOptions chainOptions;
    @Mixin WalletOptions walletOptions;

    @Option(names = "--device", defaultValue = "${env:TS_DEVICE:-cpu}", paramLabel = "<device>",
            description = "cpu, cuda or cuda:N; GPUs need a -Pcu124 build (default: ${DEFAULT-VALUE}; env TS_DEVICE).")
    String device;

    @Option(names = "--netuid", defaultValue = "${env:TS_NETUID}", paramLabel = "<n>",
            description = "Subnet id (required; env TS_NETUID).")
    Integer netuid;

    @Option(names = "--storage.location", defaultValue = "${env:TS_STORAGE_LOCATION}", paramLabel = "<uri>",
            description = "Where this miner publishes its deltas (file://, s3://, hf://); committed on chain, at most "
                    + "87 bytes (required; env TS_STORAGE_LOCATION).")
    String storageLocation;

    @Option(names = "--base.location", defaultValue = "${env:TS_BASE_LOCATION}", paramLabel = "<uri>",
            description = "Where the base models and their history live: the averager's store (required; env "
                    + "TS_BASE_LOCATION).")
    String baseLocation;

    @Option(names = "--data", defaultValue = "${env:TS_DATA}", paramLabel = "<path|uri>",
            description = "Training text: a .txt, .jsonl(.gz) or .parquet file, a folder of them, or "
                    + "hf://datasets/owner/name[/glob] (required; env TS_DATA).")
    String data;

    @Option(names = "--data-cache", defaultValue = "${env:TS_DATA_CACHE:-${sys:user.home}/.cache/tensorswarm/data}",
            paramLabel = "<dir>", description = "Where remote datasets are downloaded (env TS_DATA_CACHE).%n"
                    + "Default: ${DEFAULT-VALUE}.")
    Path dataCache;

    @Option(names = "--text-field", defaultValue = "${env:TS_TEXT_FIELD:-text}", paramLabel = "<name>",
            description = "JSON field / Parquet column holding the text (default: ${DEFAULT-VALUE}; env TS_TEXT_FIELD).")
    String textField;

    @Option(names = "--token-cache", paramLabel = "<dir>",
            defaultValue = "${env:TS_TOKEN_CACHE:-${sys:user.home}/.cache/tensorswarm/tokens}",
            description = "Tokenized data cache (env TS_TOKEN_CACHE).%nDefault: ${DEFAULT-VALUE}.")
    Path tokenCache;

    @Option(names = "--state.dir", defaultValue = "${env:TS_STATE_DIR:-work/miner}", paramLabel = "<dir>",
            description = "Persistent state: base model cache, AdamW state, error-feedback residual, round journal, "
                    + "work files (default: ${DEFAULT-VALUE}; env TS_STATE_DIR).")
    Path stateDir;

    @Mixin RoundOptions roundOptions;

    @Option(names = "--pages", defaultValue = "${env:TS_PAGES:-32}", paramLabel = "<n>",
            description = "Assigned pages per round (default: ${DEFAULT-VALUE}; env TS_PAGES).")
    int pages;

    @Option(names = "--train.steps", defaultValue = "${env:TS_TRAIN_STEPS:-0}", paramLabel = "<n>",
            description = "Most inner optimizer steps per round; 0 = no cap: train until the round's deadline leaves "
                    + "just the time to encode and commit (default: ${DEFAULT-VALUE}; env TS_TRAIN_STEPS).")
    int steps;

    @Option(names = "--train.max-pages", defaultValue = "${env:TS_TRAIN_MAX_PAGES:-0}", paramLabel = "<n>",
            description = "Most distinct pages per round: the --pages assigned ones first, then fresh pages of this "
                    + "miner's own page sequence, each once, for as long as it trains; after n, passes over them all "
                    + "again. Bounded by the corpus; 0 = 64 x --pages; --pages = the assigned pages only (default: "
                    + "${DEFAULT-VALUE}; env TS_TRAIN_MAX_PAGES).")
    int maxPages;

    @Option(names = "--train.warmup", defaultValue = "${env:TS_TRAIN_WARMUP:-100}", paramLabel = "<n>",
            description = "Learning-rate warm-up over the miner's first n optimizer steps, counted across rounds and "
                    + "restarts with the AdamW state in --state.dir (default: ${DEFAULT-VALUE}; env TS_TRAIN_WARMUP).")
    int warmupSteps;

    @Option(names = "--train.decay-steps", defaultValue = "${env:TS_TRAIN_DECAY_STEPS:-0}", paramLabel = "<n>",
            description = "After warm-up, a cosine decay to 10%% of --train.lr over the next n optimizer steps (counted "
                    + "across rounds), then 10%%; 0 = no decay, --train.lr for good (default: ${DEFAULT-VALUE}; env "
                    + "TS_TRAIN_DECAY_STEPS).")
    long decaySteps;

    @Option(names = "--train.batch-size", defaultValue = "${env:TS_TRAIN_BATCH_SIZE:-8}", paramLabel = "<n>",
            description = "Pages per step (default: ${DEFAULT-VALUE}; env TS_TRAIN_BATCH_SIZE).")
    int batchSize;

    @Option(names = "--train.grad-accum", defaultValue = "${env:TS_TRAIN_GRAD_ACCUM:-1}", paramLabel = "<n>",
            description = "Micro-batches of --train.batch-size pages per optimizer step: the update of one batch of "
                    + "n x batch-size pages in the memory of one micro-batch (default: ${DEFAULT-VALUE}; env TS_TRAIN_GRAD_ACCUM).")
    int gradAccum;

    @Mixin PrecisionOption precisionOption;

    @Option(names = "--train.lr", defaultValue = "${env:TS_TRAIN_LR:-1e-3}", paramLabel = "<lr>",
            description = "Peak learning rate (default: ${DEFAULT-VALUE}; env TS_TRAIN_LR).")
    double learningRate;

    @Mixin CodecOption codecOption;

    @Option(names = "--worker", defaultValue = "${env:TS_WORKER:-child}", paramLabel = "child|in-process",
            converter = WorkerModeConverter.class,
            description = "Train in a supervised child JVM (restarted on crash, killed at the deadline or on stop) or "
                    + "in this JVM (default: ${DEFAULT-VALUE}; env TS_WORKER).")
    WorkerMode worker;

    @Option(names = "--worker.max-attempts", defaultValue = "${env:TS_WORKER_MAX_ATTEMPTS:-3}", paramLabel = "<n>",
            description = "Worker starts per round before giving the round up (default: ${DEFAULT-VALUE}; env "
                    + "TS_WORKER_MAX_ATTEMPTS).")
    int maxAttempts;

    @Option(names = "--worker.jvm-args", split = " ", defaultValue = "${env:TS_WORKER_JVM_ARGS:-}", paramLabel = "<args>",
            description = "JVM options of the training worker, space-separated, e.g. \"-Xmx16g\" (default: none; env "
                    + "TS_WORKER_JVM_ARGS).")
    List<String> workerJvmArgs;

    @Option(names = "--rounds", defaultValue = "${env:TS_ROUNDS:-0}", paramLabel = "<n>",
            description = "Rounds to handle (published, skipped or failed), then exit; 0 = forever (default: "
                    + "${DEFAULT-VALUE}; env TS_ROUNDS).")
    long rounds;

    @Option(names = "--once", description = "Handle one round, then exit (same as --rounds 1).")
    boolean once;

    @Option(names = "--poll", defaultValue = "${env:TS_POLL:-PT2S}", paramLabel = "<ISO-8601>",
            converter = DurationConverter.class,
            description = "Wait between chain polls (default: ${DEFAULT-VALUE}; env TS_POLL).")
    Duration poll;

    @Option(names = "--max-model-bytes", defaultValue = "${env:TS_MAX_MODEL_BYTES:-34359738368}", paramLabel = "<bytes>",
            description = "Largest base model file accepted (default: ${DEFAULT-VALUE} = 32 GiB; env TS_MAX_MODEL_BYTES).")
    long maxModelBytes;

    @Mixin OrchestratorOptions orchestratorOptions;

    private final UnaryOperator<ObjectStore> ownStoreDecorator;

    /** The command as {@code miner run} builds it. */
    public RunCommand() {
        this(UnaryOperator.identity());
    }

    /** Tests: the own store is wrapped by {@code ownStoreDecorator} (to stall or fail uploads). */
    RunCommand(UnaryOperator<ObjectStore> ownStoreDecorator) {
        this.ownStoreDecorator = ownStoreDecorator;
    }

    @Override
    public Integer call() throws InterruptedException {
        logging.apply();
        requireFlag(netuid, "--netuid", "TS_NETUID");
        requireFlag(storageLocation, "--storage.location", "TS_STORAGE_LOCATION");
        requireFlag(baseLocation, "--base.location", "TS_BASE_LOCATION");
        requireFlag(data, "--data", "TS_DATA");
        RoundClock clock = roundOptions.clock();
        String codec = codecOption.name();
        if (steps < 0 || warmupSteps < 0 || decaySteps < 0) {
            throw new ExitException(ExitCodes.USAGE, "--train.steps, --train.warmup and --train.decay-steps must not be "
                    + "negative");
        }
        if (maxPages != 0 && maxPages < pages) {
            throw new ExitException(ExitCodes.USAGE, "--train.max-pages " + maxPages + " is below --pages " + pages
                    + " (0 = " + DEFAULT_MAX_PAGES_PER_ASSIGNED + " x --pages)");
        }
        TorchRuntime.device(device);
        Path dataPath = DataSources.resolve(data, dataCache);
        Sr25519KeyPair hotkey = Wallet.at(walletOptions.paths()).hotkey();
        StorageOptions storageOptions = StorageOptions.fromEnvironment(System.getenv());
        OrchestratorClient orchestrator = orchestratorOptions.client(hotkey, netuid);
        try (Operations ops = opsOptions.open(new LogIdentity("miner", hotkey.ss58Address(), netuid));
                HeartbeatReporter heartbeats = OrchestratorOptions.heartbeats(orchestrator, ops.metrics())) {
            Sleeper sleeper = millis -> ops.shutdown().sleep(Duration.ofMillis(millis));
            TrainingRunner runner = worker == WorkerMode.IN_PROCESS ? new InProcessRunner()
                    : ChildProcessRunner.forCurrentJvm(jvmArgs(), workerEnvironment(), maxAttempts, Duration.ofSeconds(2),
                            sleeper);
            try (Chain chain = Chains.connect(chainOptions.settings(System::getenv));
                    ObjectStore base = new MeteredObjectStore(ObjectStores.open(baseLocation, storageOptions), ops.metrics());
                    ObjectStore own = new MeteredObjectStore(ObjectStores.open(storageLocation, storageOptions),
                            ops.metrics())) {
                // The embedded chain knows its block time; on another the miner assumes Bittensor's until it has measured.
                Duration blockTime = chain instanceof LocalChain local ? local.blockTime() : MinerSettings.DEFAULT_BLOCK_TIME;
                MinerSettings settings = new MinerSettings(netuid, storageLocation, clock, dataPath, textField, tokenCache,
                        device, pages, maxPages(), steps, batchSize, gradAccum, precisionOption.get(), learningRate, warmupSteps,
                        decaySteps, codec, stateDir, once ? 1 : rounds, poll, maxModelBytes, blockTime);
                // After a commitment the upload window is waited for on the real clock: a stop does not cut it short.
                new MinerLoop(settings, chain, hotkey, base, ownStoreDecorator.apply(own), runner, sleeper, Sleeper.SYSTEM,
                        ops, heartbeats).run();
            }
        }
        return ExitCodes.OK;
    }

    /** {@code --train.max-pages}, 0 meaning this many times {@code --pages}. */
    static final int DEFAULT_MAX_PAGES_PER_ASSIGNED = 64;

    /** Returns the cap on distinct pages per round: {@code --train.max-pages}, or 64 x {@code --pages} for 0. */
    int maxPages() {
        return maxPages != 0 ? maxPages : (int) Math.min(Integer.MAX_VALUE, (long) DEFAULT_MAX_PAGES_PER_ASSIGNED * pages);
    }

    private List<String> jvmArgs() {
        return workerJvmArgs == null ? List.of() : workerJvmArgs.stream().filter(a -> !a.isBlank()).toList();
    }

    /** The worker logs in this daemon's format and with its identity. */
    Map<String, String> workerEnvironment() {
        Map<String, String> env = new HashMap<>();
        env.put(TrainWorker.NETUID_ENV, Integer.toString(netuid));
        if (logging != null) {
            env.put("TS_LOGGING_FORMAT", logging.format());
        }
        return env;
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

    /** Parses ISO-8601 durations such as {@code PT2S}. */
    static final class DurationConverter implements picocli.CommandLine.ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            return Duration.parse(value);
        }
    }
}
