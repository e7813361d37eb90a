package io.tensorswarm.miner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tensorswarm.chain.crypto.Sr25519KeyPair;
import io.tensorswarm.chain.crypto.Sr25519SignatureVerifier;
import io.tensorswarm.chain.local.LocalChain;
import io.tensorswarm.chain.local.LocalSubnetConfig;
import io.tensorswarm.chain.model.Commitment;
import io.tensorswarm.chain.wallet.Argon2Settings;
import io.tensorswarm.chain.wallet.NaclKeyfileCipher;
import io.tensorswarm.chain.wallet.PasswordSource;
import io.tensorswarm.chain.wallet.Wallet;
import io.tensorswarm.chain.wallet.WalletPaths;
import io.tensorswarm.common.model.ModelDirectory;
import io.tensorswarm.common.protocol.CommitmentPayload;
import io.tensorswarm.common.protocol.DeltaManifest;
import io.tensorswarm.common.protocol.LatestPointer;
import io.tensorswarm.common.protocol.RoundClock;
import io.tensorswarm.common.protocol.Sha256;
import io.tensorswarm.common.protocol.StorageLayout;
import io.tensorswarm.common.testing.ChildJvm;
import io.tensorswarm.common.testing.TestModels;
import io.tensorswarm.miner.run.MinerSettings;
import io.tensorswarm.miner.run.MinerState;
import io.tensorswarm.miner.testing.EarlyUploadWatch;
import io.tensorswarm.miner.testing.Metrics;
import io.tensorswarm.protocol.BaseHistory;
import io.tensorswarm.storage.GetRequest;
import io.tensorswarm.storage.ObjectInfo;
import io.tensorswarm.storage.ObjectStore;
import io.tensorswarm.storage.ObjectStores;
import io.tensorswarm.storage.PutRequest;
import io.tensorswarm.storage.StorageOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code miner run} as a real process ({@link Main} in a child JVM; training in its own child worker
 * JVM where the test stops or kills one) against an embedded {@link LocalChain} and {@code file://}
 * stores: SIGTERM and kill -9 in the middle of a round, then a restart that publishes. Restarted
 * miners train in-process, which is cheaper and exercises the same loop. A watcher checks throughout
 * that no delta or manifest is readable before its round's deadline block.
 */
@Timeout(300)
class MinerProcessTest {
    /** Exit code of a JVM stopped by SIGTERM (128 + 15). */
    private static final int SIGTERM_EXIT = 143;
    private static final Duration BLOCK_TIME = Duration.ofMillis(500);
    /** 40 s rounds: enough for two miner starts (and their workers) in one round on a busy machine. */
    private static final int ROUND_BLOCKS = 80;
    private static final RoundClock CLOCK = new RoundClock(ROUND_BLOCKS, 2);
    private static final Duration START = Duration.ofSeconds(60);
    private static final Pattern METRICS_PORT = Pattern.compile("metrics on http://127\\.0\\.0\\.1:(\\d+)/metrics");
    private static final Pattern UPLOADED = Pattern.compile("r=(\\d+) uploaded delta");
    private static final NaclKeyfileCipher CHEAP = NaclKeyfileCipher.withSettings(new Argon2Settings(1, 64, 1));

    @TempDir Path tmp;
    LocalChain chain;
    int netuid;
    String hotkey;
    String revision;
    Path state;
    ObjectStore own;
    EarlyUploadWatch uploads;
    final List<ChildJvm> started = new ArrayList<>();

    @BeforeEach
    void setUp() throws Exception {
        chain = LocalChain.builder().setDirectory(tmp.resolve("chain")).optBlockTime(BLOCK_TIME).build();
        netuid = chain.createSubnet(LocalSubnetConfig.defaults());
        WalletPaths paths = new WalletPaths(tmp.resolve("wallets"), "miner", "default");
        hotkey = Wallet.create(paths, PasswordSource.of("pw"), CHEAP).wallet().hotkey().ss58Address();
        chain.burnedRegister(netuid, Sr25519KeyPair.fromUri("//Alice"), hotkey);

        Path model = TestModels.writeMicroModel(tmp.resolve("model"), 3);
        revision = Sha256.ofFile(model.resolve(ModelDirectory.WEIGHTS_FILE));
        try (ObjectStore base = open("base-store")) {
            base.put(PutRequest.ofFile(StorageLayout.modelKey(revision), model.resolve(ModelDirectory.WEIGHTS_FILE)));
            base.put(PutRequest.ofFile(StorageLayout.modelConfigKey(revision), model.resolve(ModelDirectory.CONFIG_FILE)));
            new BaseHistory(base).append(new LatestPointer(revision, 0));
        }
        TestModels.writeEnglishSample(tmp.resolve("data/sample.txt"));
        state = tmp.resolve("state");
        own = open("miner-store");
        uploads = new EarlyUploadWatch(own, chain, CLOCK);
    }

    @AfterEach
    void tearDown() throws Exception {
        started.forEach(ChildJvm::close);
        uploads.close();
        own.close();
        chain.close();
    }

    private ObjectStore open(String name) throws Exception {
        Files.createDirectories(tmp.resolve(name));
        return ObjectStores.open(tmp.resolve(name).toUri().toString(), StorageOptions.defaults());
    }

    /** Miner arguments; {@code worker} is child (training in its own JVM, to be killed) or in-process (cheaper). */
    private List<String> args(int steps, String worker) {
        return List.of("--worker", worker, "--subtensor.network", "embedded", "--local-chain.dir", tmp.resolve("chain").toString(),
                "--netuid", Integer.toString(netuid), "--wallet.path", tmp.resolve("wallets").toString(),
                "--wallet.name", "miner", "--wallet.hotkey", "default",
                "--storage.location", tmp.resolve("miner-store").toUri().toString(),
                "--base.location", tmp.resolve("base-store").toUri().toString(),
                "--data", tmp.resolve("data/sample.txt").toString(), "--token-cache", tmp.resolve("tokens").toString(),
                "--state.dir", state.toString(), "--round.blocks", Integer.toString(ROUND_BLOCKS),
                "--pages", "4", "--train.batch-size", "2", "--train.steps", Integer.toString(steps), "--codec", "topk",
                "--poll", "PT0.2S", "--shutdown.grace", "PT20S", "--metrics.port", "0",
                "--worker.jvm-args=-Xmx512m -Dai.djl.offline=true");
    }

    private ChildJvm miner(int steps, String worker, String log) throws Exception {
        List<String> args = new ArrayList<>();
        args.add("run");
        args.addAll(args(steps, worker));
        return track(ChildJvm.start(Main.class, args, Map.of(), tmp.resolve(log)));
    }

    private ChildJvm track(ChildJvm jvm) {
        started.add(jvm);
        return jvm;
    }

    private static int metricsPort(ChildJvm miner) throws Exception {
        assertTrue(miner.awaitOutput("/metrics", START), miner.output());
        Matcher m = METRICS_PORT.matcher(miner.output());
        assertTrue(m.find(), miner.output());
        return Integer.parseInt(m.group(1));
    }

    /** Waits until the miner's own metrics show its worker past {@code step}; returns the scrape. */
    private static String awaitTrainingStep(ChildJvm miner, int port, int step) throws Exception {
        long deadline = System.nanoTime() + START.toNanos();
        while (System.nanoTime() < deadline && miner.process().isAlive()) {
            String text = Metrics.scrape(port);
            if (Metrics.value(text, "tensorswarm_train_step").orElse(0) >= step) {
                return text;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("no training step " + step + " reported; output:\n" + miner.output());
    }

    private static void assertAllExit(List<ProcessHandle> processes, Duration within) throws Exception {
        for (ProcessHandle p : processes) {
            p.onExit().get(within.toMillis(), TimeUnit.MILLISECONDS);
            assertFalse(p.isAlive(), "pid " + p.pid() + " still alive");
        }
    }

    private void assertNothingPublished() throws Exception {
        assertEquals(Optional.empty(), chain.commitment(netuid, hotkey), "nothing committed");
        assertEquals(List.of(), own.list(""), "nothing uploaded");
        assertTrue(Files.notExists(state.resolve(MinerSettings.RESIDUAL_FILE)), "residual not moved forward");
        assertTrue(Files.notExists(state.resolve(MinerState.FILE)), "no round recorded as published");
    }

    private void assertBaseCacheIntact() {
        Path cached = state.resolve("models").resolve(revision).resolve(ModelDirectory.WEIGHTS_FILE);
        assertEquals(revision, Sha256.ofFile(cached), "the cached base still hashes to its revision");
    }

    /** Returns the round the restarted miner published, checking commitment, delta, manifest and state. */
    private long assertPublishedByRestart(ChildJvm miner) throws Exception {
        assertTrue(miner.awaitOutput("uploaded delta", Duration.ofSeconds(150)), miner.output());
        Matcher m = UPLOADED.matcher(miner.output());
        assertTrue(m.find(), miner.output());
        long round = Long.parseLong(m.group(1));
        Commitment commitment = chain.commitment(netuid, hotkey).orElseThrow();
        CommitmentPayload payload = CommitmentPayload.parse(commitment.data());
        byte[] delta = own.getBytes(GetRequest.of(StorageLayout.deltaKey(round, hotkey), 1L << 24));
        assertEquals(CommitmentPayload.forDelta(netuid, round, hotkey, Sha256.of(delta), tmp.resolve("miner-store").toUri().toString()),
                payload, "the object at the final key is the committed delta");
        DeltaManifest manifest = DeltaManifest.parse(
                own.getBytes(GetRequest.of(StorageLayout.manifestKey(round, hotkey), DeltaManifest.MAX_BYTES)));
        manifest.verify(new Sr25519SignatureVerifier());
        manifest.requireFor(hotkey, netuid, round, revision);
        assertEquals(List.of(StorageLayout.deltaKey(round, hotkey), StorageLayout.manifestKey(round, hotkey)),
                own.list("").stream().map(ObjectInfo::key).sorted().toList());
        // The miner logs the upload, then moves the residual and records the round: wait for the journal.
        long until = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (new MinerState(state).lastPublishedRound().orElse(-1) != round && System.nanoTime() < until) {
            Thread.sleep(50);
        }
        assertEquals(round, new MinerState(state).lastPublishedRound().orElseThrow());
        assertTrue(Files.isRegularFile(state.resolve(MinerSettings.RESIDUAL_FILE)), "residual saved after the upload");
        assertTrue(CLOCK.isInSubmissionWindow(round, commitment.block()), "committed before the deadline");
        assertEquals(List.of(), uploads.earlyObjects(), "nothing readable before its round's deadline");
        return round;
    }

    /** SIGTERM to a miner that waits for its next round: it stops at once and exits 143. */
    private static void assertStopsPromptlyWhileWaiting(ChildJvm miner) throws Exception {
        long sent = System.nanoTime();
        miner.sigterm();
        assertEquals(SIGTERM_EXIT, miner.awaitExit(Duration.ofSeconds(20)));
        long ms = (System.nanoTime() - sent) / 1_000_000;
        assertTrue(ms < 5_000, "stopping while waiting took " + ms + " ms");
        assertTrue(miner.output().contains("stopped cleanly"), miner.output());
    }

    @Test
    void sigtermWhileTrainingKillsTheWorkerCommitsNothingAndARestartedMinerPublishes() throws Exception {
        ChildJvm first = miner(2000, "child", "first.log");
        int port = metricsPort(first);
        String text = awaitTrainingStep(first, port, 2);
        assertEquals(0.0, Metrics.value(text, "tensorswarm_round").orElseThrow(), text);
        assertTrue(Metrics.value(text, "tensorswarm_loss{kind=\"train\"}").orElseThrow() > 1, text);
        assertTrue(Metrics.value(text, "tensorswarm_tokens_per_second").orElseThrow() > 0, text);
        assertTrue(Metrics.value(text, "tensorswarm_bytes_downloaded_total").orElseThrow() > 0, text);
        assertEquals(200, Metrics.get(port, "/health").statusCode());
        List<ProcessHandle> worker = first.process().descendants().toList();
        assertFalse(worker.isEmpty(), "a training worker runs");

        long sent = System.nanoTime();
        first.sigterm();
        assertEquals(SIGTERM_EXIT, first.awaitExit(Duration.ofSeconds(30)));
        long stopMs = (System.nanoTime() - sent) / 1_000_000;
        assertTrue(stopMs < 10_000, "took " + stopMs + " ms to stop (grace 20 s)");
        assertAllExit(worker, Duration.ofSeconds(1));
        String out = first.output();
        assertTrue(out.contains("stop requested during training; abandoning the round (nothing committed)"), out);
        assertTrue(out.contains("stopped cleanly"), out);
        assertNothingPublished();
        assertBaseCacheIntact();
        System.out.println("[measured] SIGTERM during training -> exit 143 in " + stopMs + " ms");

        ChildJvm second = miner(4, "in-process", "second.log");
        assertPublishedByRestart(second);
        assertFalse(second.output().contains("fetched base model"), "the cached base was reused");
        assertStopsPromptlyWhileWaiting(second);
    }

    @Test
    void killMinus9WhileTrainingTakesTheWorkerDownAndTheRestartedMinerPublishes() throws Exception {
        ChildJvm first = miner(2000, "child", "first.log");
        awaitTrainingStep(first, metricsPort(first), 2);
        List<ProcessHandle> worker = first.process().descendants().toList();
        assertFalse(worker.isEmpty(), "a training worker runs");

        first.process().destroyForcibly(); // kill -9 of the miner alone, as the OOM killer or an operator would
        assertEquals(137, first.awaitExit(Duration.ofSeconds(10)));
        long killed = System.nanoTime();
        assertAllExit(worker, Duration.ofSeconds(10));
        long orphanMs = (System.nanoTime() - killed) / 1_000_000;
        System.out.println("[measured] orphaned worker gone " + orphanMs + " ms after the miner's kill -9");
        assertNothingPublished();
        assertBaseCacheIntact();

        ChildJvm second = miner(4, "in-process", "second.log");
        assertPublishedByRestart(second);
        assertTrue(second.output().contains("removing unfinished work of an earlier run"), second.output());
        assertFalse(second.output().contains("fetched base model"), "the cached base was reused");
        assertStopsPromptlyWhileWaiting(second);
    }

    @Test
    void killMinus9InTheMiddleOfTheDeltaUploadLeavesNoObjectAtTheKeyAndTheRestartPublishes() throws Exception {
        List<String> args = args(4, "in-process");
        ChildJvm first = track(ChildJvm.start(StallingUploadMiner.class, args, Map.of(), tmp.resolve("first.log")));
        // The upload starts at the round's deadline, up to a round after the commitment.
        assertTrue(first.awaitOutput(StallingUploadMiner.STALLED, Duration.ofSeconds(150)), first.output());
        Matcher m = Pattern.compile("r=(\\d+) committed delta").matcher(first.output());
        assertTrue(m.find(), first.output());
        long round = Long.parseLong(m.group(1));
        Path objectDir = tmp.resolve("miner-store").resolve(StorageLayout.deltaKey(round, hotkey)).getParent();
        Path partial = awaitPartialWrite(objectDir);

        first.process().destroyForcibly();
        assertEquals(137, first.awaitExit(Duration.ofSeconds(10)));

        assertTrue(Files.size(partial) > 0, "the store was killed mid-write: " + partial);
        assertEquals(round, CommitmentPayload.parse(chain.commitment(netuid, hotkey).orElseThrow().data()).round(),
                "committed before the upload");
        assertEquals(Optional.empty(), own.stat(StorageLayout.deltaKey(round, hotkey)), "no partial object at the key");
        assertEquals(List.of(), own.list(""), "nothing visible in the store");
        assertTrue(Files.notExists(state.resolve(MinerSettings.RESIDUAL_FILE)), "residual not moved forward");
        assertTrue(new MinerState(state).lastPublishedRound().isEmpty(), "the round is not recorded as published");
        assertEquals(1, new MinerState(state).recentFinishSeconds().size(), "its finish time is: it was committed");

        ChildJvm second = miner(4, "in-process", "second.log");
        assertPublishedByRestart(second);
        assertStopsPromptlyWhileWaiting(second);
    }

    /** Waits for the store's hidden temporary file of the stalled upload to hold some bytes. */
    private static Path awaitPartialWrite(Path dir) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (System.nanoTime() < deadline) {
            if (Files.isDirectory(dir)) {
                try (Stream<Path> files = Files.list(dir)) {
                    Optional<Path> temp = files.filter(p -> p.getFileName().toString().startsWith(".delta.safetensors"))
                            .filter(p -> p.toFile().length() > 0).findFirst();
                    if (temp.isPresent()) {
                        return temp.get();
                    }
                }
            }
            Thread.sleep(50);
        }
        throw new AssertionError("no partial upload in " + dir);
    }
}
