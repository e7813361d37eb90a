package io.tensorswarm.gym;

import io.tensorswarm.chain.Chain;
import io.tensorswarm.chain.ChainSettings;
import io.tensorswarm.chain.Chains;
import io.tensorswarm.chain.cli.ChainOptions;
import io.tensorswarm.chain.cli.WalletOptions;
import io.tensorswarm.chain.wallet.WalletPaths;
import io.tensorswarm.common.cli.ExitCodes;
import io.tensorswarm.common.cli.ExitException;
import io.tensorswarm.common.cli.LoggingMixin;
import io.tensorswarm.common.data.DataSources;
import io.tensorswarm.common.ops.LogIdentity;
import io.tensorswarm.common.protocol.DeltaCodecs;
import io.tensorswarm.common.protocol.RoundClock;
import io.tensorswarm.common.protocol.RoundTiming;
import io.tensorswarm.gym.attack.AdversaryKind;
import io.tensorswarm.gym.net.BaseModels;
import io.tensorswarm.gym.net.PeerDeltas;
import io.tensorswarm.storage.ObjectStore;
import io.tensorswarm.storage.ObjectStores;
import io.tensorswarm.storage.StorageOptions;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code gym run --kind K}: one adversary miner, round after round, with its own registered hotkey.
 * It builds each round's delta by its strategy and publishes it with {@code java -jar miner.jar
 * publish}, passing on the wallet, chain, storage and round flags it was given. See {@code
 * docs/local-subnet.md}.
 */
@Command(
        name = "run",
        mixinStandardHelpOptions = true,
        sortOptions = true,
        abbreviateSynopsis = true,
        description = {"Run one adversary miner (--kind) round after round; it publishes through 'miner.jar publish'.",
            "Test support for the local subnet: never point it at a real subnet."},
        footer = {"", "Kinds: lazy, copier, scaled-copier, noisy-copier, mixer, replayer, stale, finetune-copier,",
            "  noisy-finetune-copier, noise, norm-bomb, griefer, sybil ('gym kinds' says what each does).",
            "Each round is journalled in <state.dir>/rounds/<r>.json.",
            "Exit codes: 0 done (--rounds), 1 failure, 2 usage, 143 SIGTERM."})
public final class RunCommand implements Callable<Integer> {
    private static final Logger log = LoggerFactory.getLogger(RunCommand.class);

    @Mixin LoggingMixin logging;
    @Mixin ChainOptions chainOptions;
    @Mixin WalletOptions walletOptions;

    @Option(names = "--kind", required = true, paramLabel = "<kind>", description = "The adversary to play (see below).")
    String kind;

    @Option(names = "--netuid", defaultValue = "${env:TS_NETUID}", paramLabel = "<n>",
            description = "Subnet id (required; env TS_NETUID).")
    Integer netuid;

    @Option(names = "--twin.wallet.name", paramLabel = "<name>",
            description = "sybil only: the wallet of its second registered hotkey (same --wallet.path).")
    String twinWalletName;

    @Option(names = "--twin.wallet.hotkey", defaultValue = "default", paramLabel = "<name>",
            description = "sybil only: the second wallet's hotkey name (default: ${DEFAULT-VALUE}).")
    String twinWalletHotkey;

    @Option(names = "--storage.location", required = true, paramLabel = "<uri>",
            description = "The adversary's own store, as a miner's --storage.location.")
    String storageLocation;

    @Option(names = "--base.location", required = true, paramLabel = "<uri>",
            description = "The averager's store (bases and their history).")
    String baseLocation;

    @Option(names = "--round.blocks", defaultValue = "" + RoundTiming.DEFAULT_ROUND_BLOCKS, paramLabel = "<n>",
            description = "Blocks per round (default: ${DEFAULT-VALUE}).")
    long roundBlocks;

    @Option(names = "--round.deadline-margin", defaultValue = "" + RoundTiming.DEFAULT_DEADLINE_MARGIN,
            paramLabel = "<n>", description = "Blocks between a round's deadline and its end (default: ${DEFAULT-VALUE}).")
    long deadlineMargin;

    @Option(names = "--state.dir", paramLabel = "<dir>",
            description = "Journal, publish state and work files (default: work/gym-<kind>).")
    Path stateDir;

    @Option(names = "--target", split = ",", paramLabel = "<ss58>",
            description = "Hotkeys whose deltas to read, most wanted first (default: every other committer, "
                    + "highest incentive first).")
    List<String> targets = new ArrayList<>();

    @Option(names = "--commit-lead-blocks", defaultValue = "-1", paramLabel = "<n>",
            description = "Stop waiting for a same-round delta this many blocks before the deadline and publish "
                    + "(default: three quarters of the commit window).")
    long commitLeadBlocks;

    @Option(names = "--miner.jar", paramLabel = "<file>",
            description = "The miner jar to publish with (default: miner.jar beside gym.jar).")
    Path minerJar;

    @Option(names = "--miner.jvm-args", split = " ", defaultValue = "-Xmx512m", paramLabel = "<args>",
            description = "JVM options of each miner CLI run, space-separated (default: ${DEFAULT-VALUE}).")
    List<String> minerJvmArgs;

    @Option(names = "--codec", defaultValue = "${env:TS_CODEC:-" + DeltaCodecs.DEFAULT + "}", paramLabel = "<codec>",
            description = "Codec of 'miner publish', the honest miners' own by default (default: ${DEFAULT-VALUE}; "
                    + "env TS_CODEC).")
    String codec;

    @Option(names = "--noisy.cosine", defaultValue = "0.8", paramLabel = "<c>",
            description = "noisy-copier: cosine of the noisy copy to its source (default: ${DEFAULT-VALUE}).")
    double noisyCosine;

    @Option(names = "--replay.age", defaultValue = "2", paramLabel = "<rounds>",
            description = "replayer: how many rounds old the replayed delta is (default: ${DEFAULT-VALUE}).")
    int replayAge;

    @Option(names = "--data", defaultValue = "${env:TS_DATA}", paramLabel = "<path|uri>",
            description = "Training text, as the miners' (stale and the fine-tune copiers only; env TS_DATA).")
    String data;

    @Option(names = "--data-cache", defaultValue = "${env:TS_DATA_CACHE:-${sys:user.home}/.cache/tensorswarm/data}",
            paramLabel = "<dir>", description = "Where remote datasets are downloaded (env TS_DATA_CACHE).")
    Path dataCache;

    @Option(names = "--text-field", defaultValue = "${env:TS_TEXT_FIELD:-text}", paramLabel = "<name>",
            description = "JSON field / Parquet column holding the text (default: ${DEFAULT-VALUE}).")
    String textField;

    @Option(names = "--token-cache", paramLabel = "<dir>",
            defaultValue = "${env:TS_TOKEN_CACHE:-${sys:user.home}/.cache/tensorswarm/tokens}",
            description = "Tokenized data cache (env TS_TOKEN_CACHE).")
    Path tokenCache;

    @Option(names = "--device", defaultValue = "cpu", paramLabel = "<device>",
            description = "cpu, cuda or cuda:N (default: ${DEFAULT-VALUE}).")
    String device;

    @Option(names = "--pages", defaultValue = "32", paramLabel = "<n>",
            description = "Assigned pages per round, as the miners' (default: ${DEFAULT-VALUE}).")
    int pages;

    @Option(names = "--train.steps", defaultValue = "50", paramLabel = "<n>",
            description = "stale: optimizer steps per round, as the miners' (default: ${DEFAULT-VALUE}).")
    int steps;

    @Option(names = "--train.finetune-steps", defaultValue = "3", paramLabel = "<n>",
            description = "finetune-copier: steps of its own training on a copied delta (default: ${DEFAULT-VALUE}).")
    int finetuneSteps;

    @Option(names = "--train.batch-size", defaultValue = "8", paramLabel = "<n>",
            description = "Pages per step (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(names = "--train.lr", defaultValue = "1e-3", paramLabel = "<lr>",
            description = "Peak learning rate (default: ${DEFAULT-VALUE}).")
    double learningRate;

    @Option(names = "--rounds", defaultValue = "0", paramLabel = "<n>",
            description = "Rounds to play, then exit; 0 = forever (default: ${DEFAULT-VALUE}).")
    long rounds;

    @Option(names = "--poll", defaultValue = "PT1S", paramLabel = "<ISO-8601>",
            description = "Wait between chain polls (default: ${DEFAULT-VALUE}).")
    String poll;

    @Option(names = "--max-model-bytes", defaultValue = "34359738368", paramLabel = "<bytes>",
            description = "Largest base model file accepted (default: ${DEFAULT-VALUE}).")
    long maxModelBytes;

    @Override
    public Integer call() throws InterruptedException {
        logging.apply();
        GymSettings settings = settings();
        ChainSettings chainSettings = chainOptions.settings(System::getenv);
        Identity self = Identity.of(settings.wallet());
        Optional<Identity> twin = settings.twinWallet().map(Identity::of);
        new LogIdentity("gym-" + settings.kind().flagValue(), self.ss58(), settings.netuid()).apply();
        log.warn("playing the '{}' ADVERSARY ({}): test support for the local subnet only",
                settings.kind().flagValue(), settings.kind().description());
        StorageOptions storage = StorageOptions.fromEnvironment(System.getenv());
        Set<String> own = new HashSet<>(List.of(self.ss58()));
        twin.ifPresent(t -> own.add(t.ss58()));
        try (Chain chain = Chains.connect(chainSettings);
                ObjectStore baseStore = ObjectStores.open(settings.baseLocation(), storage);
                ObjectStore ownStore = ObjectStores.open(settings.storageLocation(), storage);
                PeerDeltas peers = new PeerDeltas(chain, settings.netuid(), own, settings.targets(), storage,
                        GymLoop.downloadsDir(settings))) {
            BaseModels bases = new BaseModels(baseStore, settings.stateDir().resolve("bases"), maxModelBytes);
            long played = new GymLoop(settings, chain, self, twin, bases, peers, ownStore).run();
            log.info("played {} round(s)", played);
        }
        return ExitCodes.OK;
    }

    /** Checks the flags and returns the settings they give. */
    GymSettings settings() {
        AdversaryKind k;
        try {
            k = AdversaryKind.parse(kind);
        } catch (IllegalArgumentException e) {
            throw new ExitException(ExitCodes.USAGE, "--kind: " + e.getMessage());
        }
        if (netuid == null) {
            throw new ExitException(ExitCodes.USAGE, "missing --netuid (or env TS_NETUID)");
        }
        if (k.needsTwin() && twinWalletName == null) {
            throw new ExitException(ExitCodes.USAGE, "--kind " + k.flagValue() + " needs --twin.wallet.name (its second hotkey)");
        }
        RoundClock clock;
        try {
            clock = new RoundClock(roundBlocks, deadlineMargin);
        } catch (IllegalArgumentException e) {
            throw new ExitException(ExitCodes.USAGE, "--round.blocks/--round.deadline-margin: " + e.getMessage());
        }
        long window = clock.roundBlocks() - clock.deadlineMarginBlocks();
        // Three quarters: publishing (a miner JVM start, encoding, the commitment) took more than a quarter
        // of a 20-block window on a loaded 2-core machine, and a copier that misses the deadline tests nothing.
        long lead = commitLeadBlocks < 0 ? window * 3 / 4 : commitLeadBlocks;
        if (lead >= window) {
            throw new ExitException(ExitCodes.USAGE, "--commit-lead-blocks " + lead + " leaves no time in a "
                    + window + "-block commit window");
        }
        if (!(noisyCosine > 0 && noisyCosine <= 1)) {
            throw new ExitException(ExitCodes.USAGE, "--noisy.cosine must be in (0, 1], got " + noisyCosine);
        }
        if (replayAge < 1) {
            throw new ExitException(ExitCodes.USAGE, "--replay.age must be at least 1, got " + replayAge);
        }
        if (pages < 1 || steps < 1 || finetuneSteps < 1 || batchSize < 1 || !(learningRate > 0)) {
            throw new ExitException(ExitCodes.USAGE,
                    "--pages, --train.steps, --train.finetune-steps, --train.batch-size and --train.lr must be positive");
        }
        Duration pollInterval;
        try {
            pollInterval = Duration.parse(poll);
        } catch (DateTimeParseException e) {
            throw new ExitException(ExitCodes.USAGE, "--poll: expected an ISO-8601 duration such as PT1S, got " + poll);
        }
        Path jar = minerJar != null ? minerJar : defaultMinerJar();
        if (!Files.isRegularFile(jar)) {
            throw new ExitException(ExitCodes.USAGE, "--miner.jar " + jar + " does not exist (build with mvn package)");
        }
        boolean trains = k == AdversaryKind.STALE || k == AdversaryKind.FINETUNE_COPIER
                || k == AdversaryKind.NOISY_FINETUNE_COPIER;
        if (trains && data == null) {
            throw new ExitException(ExitCodes.USAGE, "--kind " + k.flagValue() + " trains: it needs --data (or env TS_DATA)");
        }
        Path dataPath = trains ? DataSources.resolve(data, dataCache) : Path.of(data == null ? "." : data);
        WalletPaths wallet = walletOptions.paths();
        return GymSettings.builder()
                .setKind(k)
                .setNetuid(netuid)
                .setWallet(wallet)
                .optTwinWallet(twinWalletName == null ? null : new WalletPaths(wallet.root(), twinWalletName, twinWalletHotkey))
                .setChainFlags(chainFlags(chainOptions.settings(System::getenv)))
                .setStorageLocation(storageLocation)
                .setBaseLocation(baseLocation)
                .setClock(clock)
                .setStateDir(stateDir != null ? stateDir : Path.of("work", "gym-" + k.flagValue()))
                .optTargets(targets.stream().map(String::strip).filter(t -> !t.isEmpty()).toList())
                .setCommitLeadBlocks(lead)
                .setMinerJar(jar)
                .optMinerJvmArgs(minerJvmArgs == null ? List.of()
                        : minerJvmArgs.stream().filter(a -> !a.isBlank()).toList())
                .optCodec(codec)
                .setTrain(new GymSettings.TrainSettings(dataPath, textField, tokenCache, device, pages, steps, finetuneSteps,
                        batchSize, learningRate))
                .optNoisyCosine(noisyCosine)
                .optReplayAge(replayAge)
                .optRounds(rounds)
                .optPoll(pollInterval)
                .build();
    }

    /** Returns the flags that make a miner CLI child talk to the same chain. */
    static List<String> chainFlags(ChainSettings chain) {
        List<String> flags = new ArrayList<>();
        if (chain.endpoint() != null) {
            flags.addAll(List.of("--subtensor.chain_endpoint", chain.endpoint()));
        } else if (chain.network() != null) {
            flags.addAll(List.of("--subtensor.network", chain.network()));
        }
        flags.addAll(List.of("--local-chain.dir", chain.localChainDir().toString()));
        return flags;
    }

    /** Returns {@code miner.jar} beside the jar this class was loaded from, else {@code dist/miner.jar}. */
    static Path defaultMinerJar() {
        try {
            Path here = Path.of(RunCommand.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            if (Files.isRegularFile(here) && here.getParent() != null) {
                return here.getParent().resolve("miner.jar");
            }
        } catch (URISyntaxException | SecurityException | NullPointerException e) {
            // fall through
        }
        return Path.of("dist", "miner.jar");
    }
}
