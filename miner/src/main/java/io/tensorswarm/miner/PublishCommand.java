package io.tensorswarm.miner;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tensorswarm.chain.Chain;
import io.tensorswarm.chain.Chains;
import io.tensorswarm.chain.cli.ChainOptions;
import io.tensorswarm.chain.cli.WalletOptions;
import io.tensorswarm.chain.crypto.Sr25519KeyPair;
import io.tensorswarm.chain.local.Time;
import io.tensorswarm.chain.wallet.Wallet;
import io.tensorswarm.common.cli.ExitCodes;
import io.tensorswarm.common.cli.ExitException;
import io.tensorswarm.common.cli.LoggingMixin;
import io.tensorswarm.common.model.ModelDirectory;
import io.tensorswarm.common.ops.LogIdentity;
import io.tensorswarm.common.protocol.CommitmentException;
import io.tensorswarm.common.protocol.CommitmentPayload;
import io.tensorswarm.common.protocol.DeltaCodec;
import io.tensorswarm.common.protocol.DeltaCodecs;
import io.tensorswarm.common.protocol.LatestPointer;
import io.tensorswarm.common.protocol.RoundClock;
import io.tensorswarm.miner.publish.ExternalDelta;
import io.tensorswarm.miner.run.DeltaPublication;
import io.tensorswarm.miner.run.MinerSettings;
import io.tensorswarm.miner.run.Sleeper;
import io.tensorswarm.protocol.BaseHistory;
import io.tensorswarm.storage.ObjectStore;
import io.tensorswarm.storage.ObjectStores;
import io.tensorswarm.storage.StorageOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.concurrent.Callable;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code miner publish}: publishes a delta trained elsewhere for one round, through the same {@link
 * DeltaPublication} as {@code miner run}: resolve the round and its base ({@link BaseHistory}),
 * fetch and verify the base, check and encode the delta ({@link ExternalDelta}), sign the manifest,
 * commit before the deadline, wait for the upload window, upload, and print one JSON line. See
 * {@code docs/miner.md}.
 */
@Command(
        name = "publish",
        mixinStandardHelpOptions = true,
        sortOptions = true,
        abbreviateSynopsis = true,
        description = {"Publish a delta trained elsewhere for one round.",
            "The delta is an F32 safetensors file of trained - base for the round's base",
            "model. Encodes it, signs its manifest, commits it before the round's deadline,",
            "uploads it in the upload window after the deadline and prints one JSON line.",
            "Options can also come from the environment variables (TS_*, BT_*) named in",
            "their descriptions."},
        footer = {"",
            "Output: {\"base_revision\":..,\"codec\":..,\"commit_block\":..,",
            "  \"delta_bytes\":..,\"delta_sha256\":..,\"hotkey\":..,\"locator\":..,",
            "  \"round\":..,\"uploaded\":true|false}",
            "Exit codes: 0 published (or committed with --upload never), 1 failure (too late,",
            "  a delta that does not fit the base, chain or storage errors), 2 usage.",
            "See docs/miner.md."})
public final class PublishCommand implements Callable<Integer> {
    private static final Logger log = LoggerFactory.getLogger(PublishCommand.class);

    /** When the delta is uploaded. */
    enum Upload {
        AFTER_DEADLINE, NEVER;
    }

    @Spec CommandSpec spec;
    @Mixin LoggingMixin logging;
    @Mixin ChainOptions chainOptions;
    @Mixin WalletOptions walletOptions;
    @Mixin RoundOptions roundOptions;

    @Option(names = "--delta", required = true, paramLabel = "<file>",
            description = "The delta to publish: an F32 safetensors file holding trained - base for exactly the base "
                    + "model's tensor names and shapes (required).")
    Path delta;

    @Option(names = "--round", paramLabel = "<r>",
            description = "Round to publish for; a later round is waited for (default: the current round, which must "
                    + "still be before its deadline).")
    Long round;

    @Mixin CodecOption codecOption;

    @Option(names = "--upload", defaultValue = "after-deadline", paramLabel = "after-deadline|never",
            converter = UploadConverter.class,
            description = "Upload in the round's upload window, or never (commit only) (default: ${DEFAULT-VALUE}).")
    Upload upload;

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

    @Option(names = "--state.dir", defaultValue = "${env:TS_STATE_DIR:-work/miner}", paramLabel = "<dir>",
            description = "Base model cache under <dir>/models, shared with miner run (default: ${DEFAULT-VALUE}; env "
                    + "TS_STATE_DIR).")
    Path stateDir;

    @Option(names = "--max-model-bytes", defaultValue = "${env:TS_MAX_MODEL_BYTES:-34359738368}", paramLabel = "<bytes>",
            description = "Largest base model file accepted (default: ${DEFAULT-VALUE} = 32 GiB; env TS_MAX_MODEL_BYTES).")
    long maxModelBytes;

    @Option(names = "--poll", defaultValue = "${env:TS_POLL:-PT2S}", paramLabel = "<ISO-8601>",
            converter = RunCommand.DurationConverter.class,
            description = "Wait between chain polls (default: ${DEFAULT-VALUE}; env TS_POLL).")
    Duration poll;

    private final Time chainTime;
    private final Sleeper sleeper;
    private final UnaryOperator<ObjectStore> ownStoreDecorator;

    /** The command as {@code miner publish} builds it. */
    public PublishCommand() {
        this(Time.SYSTEM, Sleeper.SYSTEM, UnaryOperator.identity());
    }

    /** Tests: an embedded chain on {@code chainTime}, waits through {@code sleeper}, the own store wrapped. */
    PublishCommand(Time chainTime, Sleeper sleeper, UnaryOperator<ObjectStore> ownStoreDecorator) {
        this.chainTime = chainTime;
        this.sleeper = sleeper;
        this.ownStoreDecorator = ownStoreDecorator;
    }

    @Override
    public Integer call() throws IOException, InterruptedException {
        logging.apply();
        requireFlag(netuid, "--netuid", "TS_NETUID");
        requireFlag(storageLocation, "--storage.location", "TS_STORAGE_LOCATION");
        requireFlag(baseLocation, "--base.location", "TS_BASE_LOCATION");
        if (netuid < 0 || netuid > 0xFFFF) {
            throw new ExitException(ExitCodes.USAGE, "--netuid " + netuid + " is not in [0, 65535]");
        }
        if (!Files.isRegularFile(delta)) {
            throw new ExitException(ExitCodes.USAGE, "--delta " + delta + ": no such file");
        }
        if (round != null && round < 0) {
            throw new ExitException(ExitCodes.USAGE, "--round " + round + " is negative");
        }
        // A single delta: the sparse codecs keep no error-feedback residual here (miner run does, across rounds).
        DeltaCodec deltaCodec = DeltaCodecs.forName(codecOption.name());
        try {
            CommitmentPayload.checkLocator(storageLocation);
        } catch (CommitmentException e) {
            throw new ExitException(ExitCodes.USAGE, "--storage.location: " + e.getMessage());
        }
        RoundClock clock = roundOptions.clock();
        Sr25519KeyPair hotkey = Wallet.at(walletOptions.paths()).hotkey();
        new LogIdentity("miner", hotkey.ss58Address(), netuid).apply();
        StorageOptions storageOptions = StorageOptions.fromEnvironment(System.getenv());
        try (Chain chain = Chains.connect(chainOptions.settings(System::getenv), chainTime);
                ObjectStore base = ObjectStores.open(baseLocation, storageOptions);
                ObjectStore own = ObjectStores.open(storageLocation, storageOptions)) {
            DeltaPublication publication = DeltaPublication.builder().setChain(chain).setHotkey(hotkey).setNetuid(netuid)
                    .setLocator(storageLocation).setClock(clock).setStore(ownStoreDecorator.apply(own))
                    .optSleeper(sleeper).optPollInterval(poll).build();
            long r = resolveRound(chain, clock, publication);
            String revision = new BaseHistory(base).forRound(r).map(LatestPointer::revision)
                    .orElseThrow(() -> new ExitException(ExitCodes.FAILURE, "no base model for round " + r + " in "
                            + baseLocation + " (the averager has published none yet)"));
            Path baseDir = new io.tensorswarm.protocol.BaseModelSource(base, MinerSettings.modelCacheDir(stateDir), maxModelBytes)
                    .fetch(revision).dir();
            Path work = Files.createTempDirectory("tensorswarm-publish-");
            try {
                Path encoded = work.resolve("delta.safetensors");
                ExternalDelta.encode(delta, baseDir.resolve(ModelDirectory.WEIGHTS_FILE), revision, deltaCodec, encoded);
                DeltaPublication.Committed committed = publication.commit(r, revision, encoded);
                boolean uploaded = upload == Upload.AFTER_DEADLINE;
                if (uploaded) {
                    publication.upload(committed, () -> {});
                } else {
                    log.warn("r={} committed and NOT uploading (--upload never): validators will find no delta", r);
                }
                printResult(committed, publication, uploaded);
            } finally {
                deleteQuietly(work);
            }
        }
        return ExitCodes.OK;
    }

    /** The round to publish for: {@code --round} or the current one; still before its deadline, and started. */
    private long resolveRound(Chain chain, RoundClock clock, DeltaPublication publication) throws InterruptedException {
        long block = chain.currentBlock();
        long r = round != null ? round : clock.roundOf(block);
        if (!clock.isBeforeDeadline(r, block)) {
            throw new ExitException(ExitCodes.FAILURE, "too late for round " + r + ": block " + block
                    + " is not before its deadline block " + clock.deadlineBlock(r) + "; nothing committed");
        }
        if (block < clock.startBlock(r)) {
            log.info("waiting for round {} to start at block {} (now {})", r, clock.startBlock(r), block);
            publication.awaitBlock(clock.startBlock(r), () -> {});
        }
        return r;
    }

    private void printResult(DeltaPublication.Committed c, DeltaPublication publication, boolean uploaded)
            throws JsonProcessingException {
        ObjectMapper mapper = new ObjectMapper();
        ObjectNode node = mapper.createObjectNode();
        node.put("base_revision", c.baseRevision());
        node.put("codec", c.codec());
        node.put("commit_block", c.commitBlock());
        node.put("delta_bytes", c.deltaBytes());
        node.put("delta_sha256", c.deltaSha256());
        node.put("hotkey", publication.hotkey());
        node.put("locator", publication.locator());
        node.put("round", c.round());
        node.put("uploaded", uploaded);
        spec.commandLine().getOut().println(mapper.writeValueAsString(node));
        spec.commandLine().getOut().flush();
    }

    private static void requireFlag(Object value, String flag, String env) {
        if (value == null) {
            throw new ExitException(ExitCodes.USAGE, "missing " + flag + " (or env " + env + ")");
        }
    }

    private static void deleteQuietly(Path root) {
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException | UncheckedIOException e) {
            log.debug("cannot clean {}: {}", root, e.toString());
        }
    }

    /** Parses {@code after-deadline} and {@code never}. */
    static final class UploadConverter implements picocli.CommandLine.ITypeConverter<Upload> {
        @Override
        public Upload convert(String value) {
            return switch (value) {
                case "after-deadline" -> Upload.AFTER_DEADLINE;
                case "never" -> Upload.NEVER;
                default -> throw new picocli.CommandLine.TypeConversionException(
                        "expected after-deadline or never, got " + value);
            };
        }
    }
}
