package io.tensorswarm.miner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tensorswarm.chain.crypto.Sr25519KeyPair;
import io.tensorswarm.chain.crypto.Sr25519SignatureVerifier;
import io.tensorswarm.chain.local.LocalChain;
import io.tensorswarm.chain.local.LocalSubnetConfig;
import io.tensorswarm.chain.local.MockTime;
import io.tensorswarm.chain.model.Commitment;
import io.tensorswarm.chain.wallet.Argon2Settings;
import io.tensorswarm.chain.wallet.NaclKeyfileCipher;
import io.tensorswarm.chain.wallet.PasswordSource;
import io.tensorswarm.chain.wallet.Wallet;
import io.tensorswarm.chain.wallet.WalletPaths;
import io.tensorswarm.common.model.ModelDirectory;
import io.tensorswarm.common.protocol.CommitmentPayload;
import io.tensorswarm.common.protocol.DeltaCodecs;
import io.tensorswarm.common.protocol.DeltaManifest;
import io.tensorswarm.common.protocol.DeltaMetadata;
import io.tensorswarm.common.protocol.LatestPointer;
import io.tensorswarm.common.protocol.RoundClock;
import io.tensorswarm.common.protocol.Sha256;
import io.tensorswarm.common.protocol.StorageLayout;
import io.tensorswarm.common.safetensors.SafetensorsReader;
import io.tensorswarm.common.safetensors.SafetensorsWriter;
import io.tensorswarm.common.testing.CliRun;
import io.tensorswarm.common.testing.TestModels;
import io.tensorswarm.common.tensor.NamedTensor;
import io.tensorswarm.common.tensor.ParameterSet;
import io.tensorswarm.protocol.BaseHistory;
import io.tensorswarm.storage.ForwardingObjectStore;
import io.tensorswarm.storage.GetRequest;
import io.tensorswarm.storage.ObjectInfo;
import io.tensorswarm.storage.ObjectStore;
import io.tensorswarm.storage.ObjectStores;
import io.tensorswarm.storage.PutRequest;
import io.tensorswarm.storage.StorageOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code miner publish} end to end in process: the real command line against an embedded {@link
 * LocalChain} (on a mock clock, which the command's waits move) and {@code file://} stores, with a
 * delta written as PyTorch's {@code safetensors.torch.save_file} would (F32, {@code format: pt}).
 */
@Timeout(60)
class PublishCommandTest {
    private static final long BLOCK_MILLIS = 12_000;
    private static final RoundClock CLOCK = new RoundClock(20, 2);
    private static final NaclKeyfileCipher CHEAP = NaclKeyfileCipher.withSettings(new Argon2Settings(1, 64, 1));

    @TempDir Path tmp;
    final MockTime time = new MockTime(1_700_000_000_000L);
    LocalChain chain;
    int netuid;
    String hotkey;
    ObjectStore base;
    ObjectStore own;
    String ownLocator;
    /** Chain block at each put into the miner's store, by key. */
    final Map<String, Long> blockAtPut = new HashMap<>();

    @BeforeEach
    void setUp() throws Exception {
        chain = LocalChain.builder().setDirectory(tmp.resolve("chain")).optTime(time).build();
        netuid = chain.createSubnet(LocalSubnetConfig.defaults());
        WalletPaths paths = new WalletPaths(tmp.resolve("wallets"), "miner", "default");
        hotkey = Wallet.create(paths, PasswordSource.of("pw"), CHEAP).wallet().hotkey().ss58Address();
        chain.burnedRegister(netuid, Sr25519KeyPair.fromUri("//Alice"), hotkey);
        base = open("base-store");
        own = open("miner-store");
        ownLocator = tmp.resolve("miner-store").toUri().toString();
    }

    @AfterEach
    void tearDown() {
        base.close();
        own.close();
    }

    private ObjectStore open(String name) throws Exception {
        Files.createDirectories(tmp.resolve(name));
        return ObjectStores.open(tmp.resolve(name).toUri().toString(), StorageOptions.defaults());
    }

    /** Publishes a micro model as the base from {@code round} on; returns its revision. */
    private String publishBase(long seed, long round) {
        Path dir = TestModels.writeMicroModel(tmp.resolve("model-" + seed), seed);
        String revision = Sha256.ofFile(dir.resolve(ModelDirectory.WEIGHTS_FILE));
        base.put(PutRequest.ofFile(StorageLayout.modelKey(revision), dir.resolve(ModelDirectory.WEIGHTS_FILE)));
        base.put(PutRequest.ofFile(StorageLayout.modelConfigKey(revision), dir.resolve(ModelDirectory.CONFIG_FILE)));
        new BaseHistory(base).append(new LatestPointer(revision, round));
        return revision;
    }

    private ParameterSet baseWeights(String revision) throws Exception {
        Path file = tmp.resolve("base-store").resolve(StorageLayout.modelKey(revision));
        return new SafetensorsReader().read(file);
    }

    /** Writes an F32 delta for the base's tensors as a PyTorch trainer would; {@code edit} may spoil one tensor. */
    private Path writeDelta(String revision, String name, UnaryOperator<NamedTensor> edit) throws Exception {
        ParameterSet.Builder delta = ParameterSet.builder().putMetadata("format", "pt");
        int i = 0;
        for (NamedTensor t : baseWeights(revision)) {
            float[] values = new float[(int) t.elementCount()];
            for (int k = 0; k < values.length; k++) {
                values[k] = (float) (1e-3 * Math.sin(0.37 * k + i));
            }
            NamedTensor tensor = edit.apply(NamedTensor.ofFloats(t.name(), t.shape(), values));
            if (tensor != null) {
                delta.add(tensor);
            }
            i++;
        }
        Path file = tmp.resolve(name);
        new SafetensorsWriter().write(delta.build(), file);
        return file;
    }

    private void moveToBlock(long block) {
        long now = chain.currentBlock();
        time.sleep((block - now) * BLOCK_MILLIS);
        assertEquals(block, chain.currentBlock());
    }

    private CliRun publish(String... extra) {
        List<String> args = new ArrayList<>(List.of("--subtensor.network", "embedded",
                "--local-chain.dir", tmp.resolve("chain").toString(), "--netuid", Integer.toString(netuid),
                "--wallet.path", tmp.resolve("wallets").toString(), "--wallet.name", "miner", "--wallet.hotkey", "default",
                "--storage.location", ownLocator, "--base.location", tmp.resolve("base-store").toUri().toString(),
                "--state.dir", tmp.resolve("state").toString(), "--round.blocks", "20", "--round.deadline-margin", "2",
                "--poll", "PT12S"));
        args.addAll(List.of(extra));
        PublishCommand command = new PublishCommand(time, time::sleep, this::recording);
        return CliRun.of(command, args.toArray(String[]::new));
    }

    private ObjectStore recording(ObjectStore store) {
        return new ForwardingObjectStore(store) {
            @Override
            public ObjectInfo put(PutRequest request) {
                blockAtPut.put(request.key(), chain.currentBlock());
                return super.put(request);
            }
        };
    }

    private static JsonNode onlyJsonLine(CliRun run) throws Exception {
        List<String> lines = run.out().lines().toList();
        assertEquals(1, lines.size(), "one line on stdout: " + run.out());
        return new ObjectMapper().readTree(lines.get(0));
    }

    private void assertNothingPublished() throws Exception {
        assertEquals(Optional.empty(), chain.commitment(netuid, hotkey), "nothing committed");
        assertEquals(List.of(), own.list(""), "nothing uploaded");
    }

    @Test
    void publishesATorchDeltaCommittedBeforeTheDeadlineAndUploadedInTheWindowAndPrintsOneJsonLine() throws Exception {
        String revision = publishBase(3, 0);
        Path deltaFile = writeDelta(revision, "delta.safetensors", t -> t);
        moveToBlock(CLOCK.startBlock(1) + 3);

        CliRun run = publish("--delta", deltaFile.toString(), "--codec", "int8");

        assertEquals(0, run.exitCode(), run.err());
        JsonNode json = onlyJsonLine(run);
        List<String> fields = new ArrayList<>();
        json.fieldNames().forEachRemaining(fields::add);
        assertEquals(List.of("base_revision", "codec", "commit_block", "delta_bytes", "delta_sha256", "hotkey", "locator",
                "round", "uploaded"), fields);
        assertEquals(1, json.get("round").asLong());
        assertEquals(revision, json.get("base_revision").asText());
        assertEquals("int8", json.get("codec").asText());
        assertEquals(hotkey, json.get("hotkey").asText());
        assertEquals(ownLocator, json.get("locator").asText());
        assertTrue(json.get("uploaded").asBoolean());

        byte[] delta = own.getBytes(GetRequest.of(StorageLayout.deltaKey(1, hotkey), 1L << 24));
        assertEquals(Sha256.of(delta), json.get("delta_sha256").asText());
        assertEquals(delta.length, json.get("delta_bytes").asLong());
        Commitment commitment = chain.commitment(netuid, hotkey).orElseThrow();
        assertEquals(json.get("commit_block").asLong(), commitment.block());
        assertTrue(CLOCK.isInSubmissionWindow(1, commitment.block()), "committed in round 1 before its deadline");
        assertEquals(CommitmentPayload.forDelta(netuid, 1, hotkey, Sha256.of(delta), ownLocator),
                CommitmentPayload.parse(commitment.data()));
        DeltaManifest manifest = DeltaManifest.parse(
                own.getBytes(GetRequest.of(StorageLayout.manifestKey(1, hotkey), DeltaManifest.MAX_BYTES)));
        manifest.verify(new Sr25519SignatureVerifier());
        manifest.requireFor(hotkey, netuid, 1, revision);
        assertEquals("int8", manifest.codec());
        for (String key : List.of(StorageLayout.deltaKey(1, hotkey), StorageLayout.manifestKey(1, hotkey))) {
            long block = blockAtPut.get(key);
            assertTrue(block >= CLOCK.uploadOpenBlock(1) && block < CLOCK.readableBlock(1),
                    key + " uploaded in block " + block + ", inside the upload window");
        }

        // What a validator decodes is the trained delta, to int8's precision, with the delta metadata.
        Path stored = tmp.resolve("stored.safetensors");
        Files.write(stored, delta);
        ParameterSet read = new SafetensorsReader().read(stored);
        assertEquals(revision, read.metadata().get(DeltaMetadata.BASE_REVISION));
        assertEquals(DeltaMetadata.KIND_DELTA, read.metadata().get(DeltaMetadata.KIND));
        ParameterSet decoded = DeltaCodecs.forStored(read).decode(read, baseWeights(revision));
        ParameterSet original = new SafetensorsReader().read(deltaFile);
        for (NamedTensor t : decoded) {
            float[] got = t.toFloats();
            float[] want = original.require(t.name()).toFloats();
            for (int k = 0; k < got.length; k++) {
                assertEquals(want[k], got[k], 2e-5, t.name() + "[" + k + "]");
            }
        }
    }

    @Test
    void eachRoundPublishesOnItsOwnBaseAndALaterRoundIsWaitedFor() throws Exception {
        String first = publishBase(3, 0);
        String second = publishBase(4, 1); // already the head ('latest') while round 0 runs
        Path forFirst = writeDelta(first, "first.safetensors", t -> t);
        Path forSecond = writeDelta(second, "second.safetensors", t -> t);
        moveToBlock(2);

        CliRun round0 = publish("--delta", forFirst.toString());
        assertEquals(0, round0.exitCode(), round0.err());
        assertEquals(first, onlyJsonLine(round0).get("base_revision").asText());
        String runDefault = new picocli.CommandLine(new RunCommand()).getCommandSpec().findOption("--codec").defaultValue();
        assertEquals(runDefault, onlyJsonLine(round0).get("codec").asText(), "the default codec is miner run's");

        moveToBlock(CLOCK.readableBlock(0) - 1); // in round 0's upload window: round 1 has not started
        CliRun round1 = publish("--delta", forSecond.toString(), "--round", "1");
        assertEquals(0, round1.exitCode(), round1.err());
        JsonNode json = onlyJsonLine(round1);
        assertEquals(second, json.get("base_revision").asText());
        assertTrue(CLOCK.isInSubmissionWindow(1, json.get("commit_block").asLong()), json.toString());
        DeltaManifest manifest = DeltaManifest.parse(
                own.getBytes(GetRequest.of(StorageLayout.manifestKey(1, hotkey), DeltaManifest.MAX_BYTES)));
        manifest.requireFor(hotkey, netuid, 1, second);
    }

    @Test
    void uploadNeverCommitsAndUploadsNothing() throws Exception {
        String revision = publishBase(3, 0);
        Path deltaFile = writeDelta(revision, "delta.safetensors", t -> t);

        CliRun run = publish("--delta", deltaFile.toString(), "--upload", "never", "--codec", "fp32");

        assertEquals(0, run.exitCode(), run.err());
        JsonNode json = onlyJsonLine(run);
        assertFalse(json.get("uploaded").asBoolean());
        Commitment commitment = chain.commitment(netuid, hotkey).orElseThrow();
        assertTrue(CommitmentPayload.parse(commitment.data()).isBindingOf(netuid, hotkey, json.get("delta_sha256").asText()));
        assertEquals(List.of(), own.list(""), "nothing uploaded");
    }

    @Test
    void theCurrentRoundAtItsDeadlineIsTooLateAndCommitsNothing() throws Exception {
        String revision = publishBase(3, 0);
        Path deltaFile = writeDelta(revision, "delta.safetensors", t -> t);
        moveToBlock(CLOCK.deadlineBlock(0));

        CliRun run = publish("--delta", deltaFile.toString());

        assertEquals(1, run.exitCode(), run.err());
        assertTrue(run.isOneLineError(), run.err());
        assertTrue(run.err().contains("too late for round 0: block 18 is not before its deadline block 18"), run.err());
        assertEquals("", run.out());
        assertNothingPublished();
    }

    @Test
    void aPastRoundIsTooLate() throws Exception {
        String revision = publishBase(3, 0);
        Path deltaFile = writeDelta(revision, "delta.safetensors", t -> t);
        moveToBlock(CLOCK.startBlock(1));

        CliRun run = publish("--delta", deltaFile.toString(), "--round", "0");

        assertEquals(1, run.exitCode(), run.err());
        assertTrue(run.isOneLineError(), run.err());
        assertTrue(run.err().contains("too late for round 0"), run.err());
        assertNothingPublished();
    }

    @Test
    void aDeltaWithAWrongTensorShapeIsAOneLineErrorAndCommitsNothing() throws Exception {
        String revision = publishBase(3, 0);
        String[] spoiled = new String[1];
        Path deltaFile = writeDelta(revision, "bad-shape.safetensors", t -> {
            if (spoiled[0] != null || t.shape().length != 2) {
                return t;
            }
            spoiled[0] = t.name();
            long[] transposed = {t.shape()[1], t.shape()[0]};
            return t.shape()[0] == t.shape()[1] ? NamedTensor.ofFloats(t.name(), new long[] {t.elementCount()}, t.toFloats())
                    : NamedTensor.ofFloats(t.name(), transposed, t.toFloats());
        });

        CliRun run = publish("--delta", deltaFile.toString());

        assertEquals(1, run.exitCode(), run.err());
        assertTrue(run.isOneLineError(), run.err());
        assertTrue(run.err().contains("does not fit base " + revision.substring(0, 12)), run.err());
        assertTrue(run.err().contains("tensor \"" + spoiled[0] + "\" has shape"), run.err());
        assertNothingPublished();
    }

    @Test
    void aDeltaWithANonFiniteValueOrAMissingTensorIsAOneLineErrorAndCommitsNothing() throws Exception {
        String revision = publishBase(3, 0);
        String[] first = new String[1];
        Path nan = writeDelta(revision, "nan.safetensors", t -> {
            if (first[0] != null) {
                return t;
            }
            first[0] = t.name();
            float[] v = t.toFloats();
            v[1] = Float.NaN;
            return NamedTensor.ofFloats(t.name(), t.shape(), v);
        });
        Path missing = writeDelta(revision, "missing.safetensors", t -> t.name().equals(first[0]) ? null : t);

        CliRun nanRun = publish("--delta", nan.toString());
        assertEquals(1, nanRun.exitCode(), nanRun.err());
        assertTrue(nanRun.isOneLineError(), nanRun.err());
        assertTrue(nanRun.err().contains("tensor \"" + first[0] + "\" element 1 is NaN"), nanRun.err());

        CliRun missingRun = publish("--delta", missing.toString());
        assertEquals(1, missingRun.exitCode(), missingRun.err());
        assertTrue(missingRun.isOneLineError(), missingRun.err());
        assertTrue(missingRun.err().contains("lacks tensor \"" + first[0] + "\""), missingRun.err());
        assertNothingPublished();
    }

    @Test
    void aRoundWithoutABaseIsAOneLineError() throws Exception {
        Path deltaFile = tmp.resolve("delta.safetensors");
        Files.write(deltaFile, new byte[] {1});

        CliRun run = publish("--delta", deltaFile.toString());

        assertEquals(1, run.exitCode(), run.err());
        assertTrue(run.isOneLineError(), run.err());
        assertTrue(run.err().contains("no base model for round 0"), run.err());
        assertNothingPublished();
    }

    @Test
    void badFlagsAreUsageErrors() throws Exception {
        Path deltaFile = tmp.resolve("delta.safetensors");
        Files.write(deltaFile, new byte[] {1});
        for (String[] args : List.of(new String[] {"--delta", deltaFile.toString(), "--codec", "fp16"},
                new String[] {"--delta", deltaFile.toString(), "--upload", "later"},
                new String[] {"--delta", tmp.resolve("absent.safetensors").toString()},
                new String[] {"--delta", deltaFile.toString(), "--round.deadline-margin", "0"},
                new String[] {"--round", "1"})) {
            CliRun run = publish(args);
            assertEquals(2, run.exitCode(), String.join(" ", args) + ": " + run.err());
            assertTrue(run.err().startsWith("error: "), run.err());
        }
        assertNothingPublished();
    }
}
