package io.tensorswarm.miner.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tensorswarm.chain.crypto.Sr25519KeyPair;
import io.tensorswarm.chain.crypto.Sr25519SignatureVerifier;
import io.tensorswarm.chain.local.LocalChain;
import io.tensorswarm.chain.local.LocalSubnetConfig;
import io.tensorswarm.chain.local.MockTime;
import io.tensorswarm.chain.model.Commitment;
import io.tensorswarm.common.model.ModelDirectory;
import io.tensorswarm.common.ops.Operations;
import io.tensorswarm.common.protocol.CommitmentPayload;
import io.tensorswarm.common.protocol.DeltaManifest;
import io.tensorswarm.common.protocol.LatestPointer;
import io.tensorswarm.common.protocol.RoundClock;
import io.tensorswarm.common.protocol.Sha256;
import io.tensorswarm.common.protocol.StorageLayout;
import io.tensorswarm.common.testing.TestModels;
import io.tensorswarm.miner.worker.TrainWorker;
import io.tensorswarm.storage.GetRequest;
import io.tensorswarm.storage.ObjectInfo;
import io.tensorswarm.storage.ObjectStore;
import io.tensorswarm.storage.ObjectStores;
import io.tensorswarm.storage.PutRequest;
import io.tensorswarm.storage.StorageOptions;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MinerLoopTest {
    private static final long BLOCK_MILLIS = 12_000;
    private static final RoundClock CLOCK = new RoundClock(20, 2);

    @TempDir Path tmp;
    final MockTime time = new MockTime(1_700_000_000_000L);
    final Sleeper sleeper = time::sleep;
    Operations ops = Operations.detached();
    LocalChain chain;
    int netuid;
    Sr25519KeyPair hotkey;
    ObjectStore baseStore;
    RecordingStore minerStore;
    String minerLocator;
    Path text;

    @BeforeEach
    void setUp() throws Exception {
        chain = LocalChain.builder().setDirectory(tmp.resolve("chain")).optTime(time).build();
        netuid = chain.createSubnet(LocalSubnetConfig.defaults());
        hotkey = Sr25519KeyPair.fromUri("//MinerOne");
        chain.burnedRegister(netuid, Sr25519KeyPair.fromUri("//Alice"), hotkey.ss58Address());
        baseStore = open(tmp.resolve("base-store"));
        minerLocator = tmp.resolve("miner-store").toUri().toString();
        minerStore = new RecordingStore(open(tmp.resolve("miner-store")));
        text = TestModels.writeEnglishSample(tmp.resolve("data/sample.txt"));
    }

    @AfterEach
    void tearDown() {
        baseStore.close();
        minerStore.close();
    }

    private static ObjectStore open(Path dir) throws Exception {
        Files.createDirectories(dir);
        return ObjectStores.open(dir.toUri().toString(), StorageOptions.defaults());
    }

    /** Publishes a fresh micro model as the averager would and returns its revision. */
    private String publishBase(long seed) {
        Path dir = TestModels.writeMicroModel(tmp.resolve("model-" + seed), seed);
        String revision = Sha256.ofFile(dir.resolve(ModelDirectory.WEIGHTS_FILE));
        baseStore.put(PutRequest.ofFile(StorageLayout.modelKey(revision), dir.resolve(ModelDirectory.WEIGHTS_FILE)));
        baseStore.put(PutRequest.ofFile(StorageLayout.modelConfigKey(revision), dir.resolve(ModelDirectory.CONFIG_FILE)));
        baseStore.setPointer(StorageLayout.LATEST,
                new String(new LatestPointer(revision, 0).toJson(), StandardCharsets.UTF_8));
        return revision;
    }

    private MinerSettings settings(String codec, long rounds) {
        return new MinerSettings(netuid, minerLocator, CLOCK, text, "text", tmp.resolve("token-cache"), "cpu", 4, 2, 2,
                1e-3, codec, tmp.resolve("state"), rounds, Duration.ofMillis(BLOCK_MILLIS), 1L << 30);
    }

    private MinerLoop loop(MinerSettings settings, TrainingRunner runner, Sleeper loopSleeper) {
        return new MinerLoop(settings, chain, hotkey, baseStore, minerStore, runner, loopSleeper, ops);
    }

    private void assertPublished(long round, String revision) throws Exception {
        String hk = hotkey.ss58Address();
        byte[] delta = minerStore.getBytes(GetRequest.of(StorageLayout.deltaKey(round, hk), 1L << 24));
        DeltaManifest manifest = DeltaManifest.parse(
                minerStore.getBytes(GetRequest.of(StorageLayout.manifestKey(round, hk), DeltaManifest.MAX_BYTES)));
        manifest.verify(new Sr25519SignatureVerifier());
        manifest.requireFor(hk, netuid, round, revision);
        assertEquals(Sha256.of(delta), manifest.deltaSha256());
        assertEquals(delta.length, manifest.deltaSize());

        Commitment commitment = chain.commitment(netuid, hk).orElseThrow();
        CommitmentPayload payload = CommitmentPayload.parse(commitment.data());
        assertEquals(new CommitmentPayload(round, Sha256.of(delta), minerLocator), payload);
        assertTrue(CLOCK.isBeforeDeadline(round, commitment.block()), "committed before the deadline");
        for (String key : List.of(StorageLayout.deltaKey(round, hk), StorageLayout.manifestKey(round, hk))) {
            Optional<CommitmentPayload> atPut = minerStore.commitmentAtPut(key);
            assertEquals(Optional.of(payload), atPut, "the commitment was on chain before uploading " + key);
        }
    }

    @Test
    void publishesACommittedDeltaAndASignedManifestForTheRound() throws Exception {
        String revision = publishBase(3);
        List<RoundResult> results = loop(settings("fp32", 1), new InProcessRunner(), sleeper).run();
        assertEquals(List.of(new RoundResult(0, RoundResult.Outcome.PUBLISHED)), results);
        assertPublished(0, revision);
        assertEquals(List.of(StorageLayout.deltaKey(0, hotkey.ss58Address()),
                StorageLayout.manifestKey(0, hotkey.ss58Address())), minerStore.putKeys);
    }

    @Test
    void topKKeepsItsErrorFeedbackResidualInTheStateDirectoryAcrossRounds() throws Exception {
        String revision = publishBase(3);
        Path residual = tmp.resolve("state").resolve(MinerSettings.RESIDUAL_FILE);
        List<RoundResult> results = loop(settings("topk", 2), new InProcessRunner(), sleeper).run();
        assertEquals(List.of(new RoundResult(0, RoundResult.Outcome.PUBLISHED),
                new RoundResult(1, RoundResult.Outcome.PUBLISHED)), results);
        assertPublished(1, revision);
        assertTrue(Files.isRegularFile(residual), "residual saved under --state.dir");
    }

    @Test
    void refusesToTrainOnABaseWhoseWeightsDoNotHashToItsRevision() throws Exception {
        String revision = publishBase(3);
        Path other = TestModels.writeMicroModel(tmp.resolve("impostor"), 4);
        baseStore.put(PutRequest.ofFile(StorageLayout.modelKey(revision), other.resolve(ModelDirectory.WEIGHTS_FILE)));

        List<RoundResult> results = loop(settings("fp32", 1), new InProcessRunner(), sleeper).run();

        assertEquals(List.of(new RoundResult(0, RoundResult.Outcome.BASE_REJECTED)), results);
        assertEquals(Optional.empty(), chain.commitment(netuid, hotkey.ss58Address()));
        assertEquals(List.of(), minerStore.putKeys);
        assertTrue(Files.notExists(tmp.resolve("state/models").resolve(revision)), "the bad model is not cached");
    }

    @Test
    void waitsForTheLatestPointerThenPublishes() throws Exception {
        AtomicInteger polls = new AtomicInteger();
        String[] revision = new String[1];
        Sleeper publishOnThirdPoll = millis -> {
            time.sleep(millis);
            if (polls.incrementAndGet() == 3) {
                revision[0] = publishBase(5);
            }
        };
        List<RoundResult> results = loop(settings("fp32", 1), new InProcessRunner(), publishOnThirdPoll).run();

        assertEquals(List.of(new RoundResult(0, RoundResult.Outcome.PUBLISHED)), results);
        assertEquals(3, polls.get(), "polled until the pointer appeared, then trained without sleeping");
        assertPublished(0, revision[0]);
    }

    @Test
    void skipsARoundItJoinsAtTheDeadline() throws Exception {
        publishBase(3);
        time.sleep(CLOCK.deadlineBlock(0) * BLOCK_MILLIS);

        List<RoundResult> results = loop(settings("fp32", 1), new InProcessRunner(), sleeper).run();

        assertEquals(List.of(new RoundResult(0, RoundResult.Outcome.TOO_LATE)), results);
        assertEquals(Optional.empty(), chain.commitment(netuid, hotkey.ss58Address()));
        assertEquals(List.of(), minerStore.putKeys);
    }

    @Test
    void commitsNothingWhenTrainingEndsAfterTheDeadlineAndGoesOnWithTheNextRound() throws Exception {
        String revision = publishBase(3);
        AtomicInteger trainings = new AtomicInteger();
        TrainingRunner slowFirstRound = (job, watch) -> {
            TrainingOutcome outcome = new InProcessRunner().train(job, watch);
            if (trainings.getAndIncrement() == 0) {
                time.sleep(CLOCK.deadlineBlock(0) * BLOCK_MILLIS);
            }
            return outcome;
        };

        List<RoundResult> results = loop(settings("fp32", 2), slowFirstRound, sleeper).run();

        assertEquals(List.of(new RoundResult(0, RoundResult.Outcome.TOO_LATE),
                new RoundResult(1, RoundResult.Outcome.PUBLISHED)), results);
        assertPublished(1, revision);
        assertEquals(Optional.empty(), minerStore.stat(StorageLayout.deltaKey(0, hotkey.ss58Address())));
    }

    @Test
    void restartsAChildWorkerThatCrashedAndStillPublishesTheRound() throws Exception {
        String revision = publishBase(3);
        Path marker = tmp.resolve("crashed-once");
        TrainingRunner child = ChildProcessRunner.forCurrentJvm(List.of("-Xmx512m", "-Dai.djl.offline=true"),
                Map.of(TrainWorker.CRASH_ONCE_ENV, marker.toString()), 3, Duration.ofSeconds(1), sleeper);

        List<RoundResult> results = loop(settings("int8", 1), child, sleeper).run();

        assertTrue(Files.exists(marker), "the first worker crashed");
        assertEquals(List.of(new RoundResult(0, RoundResult.Outcome.PUBLISHED)), results);
        assertPublished(0, revision);
    }

    @Test
    void aWorkerCrashThatExhaustsItsAttemptsFailsOnlyThatRound() throws Exception {
        String revision = publishBase(3);
        Path marker = tmp.resolve("crashed-once");
        TrainingRunner child = ChildProcessRunner.forCurrentJvm(List.of("-Xmx512m", "-Dai.djl.offline=true"),
                Map.of(TrainWorker.CRASH_ONCE_ENV, marker.toString()), 1, Duration.ofSeconds(1), sleeper);

        List<RoundResult> results = loop(settings("bf16", 2), child, sleeper).run();

        assertEquals(List.of(new RoundResult(0, RoundResult.Outcome.FAILED),
                new RoundResult(1, RoundResult.Outcome.PUBLISHED)), results);
        assertPublished(1, revision);
    }

    /** The miner's real store, remembering each put and the miner's on-chain commitment at that moment. */
    private final class RecordingStore implements ObjectStore {
        final ObjectStore inner;
        final List<String> putKeys = new ArrayList<>();
        final Map<String, Optional<CommitmentPayload>> commitments = new java.util.HashMap<>();

        RecordingStore(ObjectStore inner) {
            this.inner = inner;
        }

        Optional<CommitmentPayload> commitmentAtPut(String key) {
            return commitments.getOrDefault(key, Optional.empty());
        }

        @Override
        public URI location() {
            return inner.location();
        }

        @Override
        public ObjectInfo put(PutRequest request) {
            putKeys.add(request.key());
            commitments.put(request.key(), chain.commitment(netuid, hotkey.ss58Address())
                    .map(c -> CommitmentPayload.parse(c.data())));
            return inner.put(request);
        }

        @Override
        public ObjectInfo get(GetRequest request, Path target) {
            return inner.get(request, target);
        }

        @Override
        public byte[] getBytes(GetRequest request) {
            return inner.getBytes(request);
        }

        @Override
        public Optional<ObjectInfo> stat(String key) {
            return inner.stat(key);
        }

        @Override
        public List<ObjectInfo> list(String prefix) {
            return inner.list(prefix);
        }

        @Override
        public void delete(String key) {
            inner.delete(key);
        }

        @Override
        public void close() {
            inner.close();
        }
    }
}
