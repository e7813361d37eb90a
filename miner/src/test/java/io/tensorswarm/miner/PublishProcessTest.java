package io.tensorswarm.miner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tensorswarm.chain.crypto.Sr25519KeyPair;
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
import io.tensorswarm.common.protocol.LatestPointer;
import io.tensorswarm.common.protocol.RoundClock;
import io.tensorswarm.common.protocol.Sha256;
import io.tensorswarm.common.protocol.StorageLayout;
import io.tensorswarm.common.safetensors.SafetensorsReader;
import io.tensorswarm.common.safetensors.SafetensorsWriter;
import io.tensorswarm.common.testing.ChildJvm;
import io.tensorswarm.common.testing.TestModels;
import io.tensorswarm.common.tensor.NamedTensor;
import io.tensorswarm.common.tensor.ParameterSet;
import io.tensorswarm.miner.testing.EarlyUploadWatch;
import io.tensorswarm.protocol.BaseHistory;
import io.tensorswarm.storage.GetRequest;
import io.tensorswarm.storage.ObjectStore;
import io.tensorswarm.storage.ObjectStores;
import io.tensorswarm.storage.PutRequest;
import io.tensorswarm.storage.StorageOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code miner publish} as the gym and operators run it: {@code java -jar miner.jar publish} in a
 * child JVM against an embedded chain on the real clock (250 ms blocks) and {@code file://} stores.
 */
@Timeout(120)
class PublishProcessTest {
    private static final Duration BLOCK_TIME = Duration.ofMillis(250);
    /** 10 s rounds with a 1 s upload window. */
    private static final RoundClock CLOCK = new RoundClock(40, 4);
    private static final NaclKeyfileCipher CHEAP = NaclKeyfileCipher.withSettings(new Argon2Settings(1, 64, 1));

    @TempDir Path tmp;

    @Test
    void publishesADeltaForTheNextRoundAndPrintsItsJsonLine() throws Exception {
        LocalChain chain = LocalChain.builder().setDirectory(tmp.resolve("chain")).optBlockTime(BLOCK_TIME).build();
        int netuid = chain.createSubnet(LocalSubnetConfig.defaults());
        WalletPaths paths = new WalletPaths(tmp.resolve("wallets"), "miner", "default");
        String hotkey = Wallet.create(paths, PasswordSource.of("pw"), CHEAP).wallet().hotkey().ss58Address();
        chain.burnedRegister(netuid, Sr25519KeyPair.fromUri("//Alice"), hotkey);
        Path model = TestModels.writeMicroModel(tmp.resolve("model"), 3);
        String revision = Sha256.ofFile(model.resolve(ModelDirectory.WEIGHTS_FILE));
        Files.createDirectories(tmp.resolve("base-store"));
        Files.createDirectories(tmp.resolve("miner-store"));
        try (ObjectStore base = ObjectStores.open(tmp.resolve("base-store").toUri().toString(), StorageOptions.defaults())) {
            base.put(PutRequest.ofFile(StorageLayout.modelKey(revision), model.resolve(ModelDirectory.WEIGHTS_FILE)));
            base.put(PutRequest.ofFile(StorageLayout.modelConfigKey(revision), model.resolve(ModelDirectory.CONFIG_FILE)));
            new BaseHistory(base).append(new LatestPointer(revision, 0));
        }
        ParameterSet.Builder delta = ParameterSet.builder().putMetadata("format", "pt");
        for (NamedTensor t : new SafetensorsReader().read(model.resolve(ModelDirectory.WEIGHTS_FILE))) {
            delta.add(NamedTensor.ofFloats(t.name(), t.shape(), new float[(int) t.elementCount()]));
        }
        Path deltaFile = tmp.resolve("delta.safetensors");
        new SafetensorsWriter().write(delta.build(), deltaFile);
        String locator = tmp.resolve("miner-store").toUri().toString();
        long round = CLOCK.roundOf(chain.currentBlock()) + 1;

        try (ObjectStore own = ObjectStores.open(locator, StorageOptions.defaults());
                EarlyUploadWatch uploads = new EarlyUploadWatch(own, chain, CLOCK);
                ChildJvm publish = ChildJvm.start(Main.class, List.of("publish", "--delta", deltaFile.toString(),
                        "--round", Long.toString(round), "--codec", "fp32", "--subtensor.network", "embedded",
                        "--local-chain.dir", tmp.resolve("chain").toString(), "--netuid", Integer.toString(netuid),
                        "--wallet.path", tmp.resolve("wallets").toString(), "--wallet.name", "miner",
                        "--storage.location", locator, "--base.location", tmp.resolve("base-store").toUri().toString(),
                        "--state.dir", tmp.resolve("state").toString(), "--round.blocks", "40",
                        "--round.deadline-margin", "4", "--poll", "PT0.1S"), Map.of(), tmp.resolve("publish.log"))) {
            assertEquals(0, publish.awaitExit(Duration.ofSeconds(90)), publish.output());
            String line = publish.output().lines().filter(l -> l.startsWith("{")).findFirst()
                    .orElseThrow(() -> new AssertionError("no JSON line in\n" + publish.output()));
            JsonNode json = new ObjectMapper().readTree(line);
            assertEquals(round, json.get("round").asLong());
            assertEquals(revision, json.get("base_revision").asText());
            assertEquals(hotkey, json.get("hotkey").asText());
            assertTrue(json.get("uploaded").asBoolean(), line);
            byte[] stored = own.getBytes(GetRequest.of(StorageLayout.deltaKey(round, hotkey), 1L << 24));
            assertEquals(Sha256.of(stored), json.get("delta_sha256").asText());
            Commitment commitment = chain.commitment(netuid, hotkey).orElseThrow();
            assertTrue(CLOCK.isInSubmissionWindow(round, commitment.block()), "committed in round " + round);
            assertTrue(CommitmentPayload.parse(commitment.data()).isBindingOf(netuid, hotkey, Sha256.of(stored)));
            assertEquals(List.of(), uploads.earlyObjects(), "nothing readable before the deadline");
        }
    }
}
