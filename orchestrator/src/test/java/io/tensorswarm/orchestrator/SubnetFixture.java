package io.tensorswarm.orchestrator;

import io.tensorswarm.chain.crypto.Sr25519KeyPair;
import io.tensorswarm.chain.local.LocalChain;
import io.tensorswarm.chain.local.LocalSubnetConfig;
import io.tensorswarm.chain.local.Time;
import io.tensorswarm.common.model.ModelDirectory;
import io.tensorswarm.common.protocol.CommitmentPayload;
import io.tensorswarm.common.protocol.LatestPointer;
import io.tensorswarm.common.protocol.Sha256;
import io.tensorswarm.common.protocol.StorageLayout;
import io.tensorswarm.common.testing.TestModels;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

/**
 * A small real subnet for orchestrator tests: an embedded {@link LocalChain} with three miners and
 * a staked validator, and a {@code file://} base store to publish micro models into.
 */
public final class SubnetFixture {
    /** Funded dev coldkey paying for registrations. */
    public static final Sr25519KeyPair ALICE = Sr25519KeyPair.fromUri("//Alice");
    public static final Sr25519KeyPair BOB = Sr25519KeyPair.fromUri("//Bob");
    public static final Sr25519KeyPair DAVE = Sr25519KeyPair.fromUri("//Dave");
    public static final Sr25519KeyPair EVE = Sr25519KeyPair.fromUri("//Eve");
    /** The validator (the only stake, so the only permit). */
    public static final Sr25519KeyPair CHARLIE = Sr25519KeyPair.fromUri("//Charlie");
    /** Miners in uid order 0, 1, 2. */
    public static final List<Sr25519KeyPair> MINERS = List.of(BOB, DAVE, EVE);

    private SubnetFixture() {}

    /** Opens (creating) a chain in {@code dir}; {@code time} may be null for wall time. */
    public static LocalChain chain(Path dir, Time time, java.time.Duration blockTime) {
        LocalChain.Builder b = LocalChain.builder().setDirectory(dir).optBlockTime(blockTime);
        if (time != null) {
            b.optTime(time);
        }
        return b.build();
    }

    /** Creates subnet {@code netuid} (tempo 5, no weights rate limit), registers the miners and the validator. */
    public static void subnet(LocalChain chain, int netuid) {
        chain.createSubnet(netuid, LocalSubnetConfig.defaults().withTempo(5).withWeightsRateLimit(0)
                .withMaxAllowedValidators(1));
        for (Sr25519KeyPair miner : MINERS) {
            chain.burnedRegister(netuid, ALICE, miner.ss58Address());
        }
        chain.burnedRegister(netuid, ALICE, CHARLIE.ss58Address());
        chain.setStake(netuid, CHARLIE.ss58Address(), 1_000_000_000_000L);
    }

    /** The validator sets u16 weights on uids 0, 1, 2. */
    public static void setWeights(LocalChain chain, int netuid, int... weights) {
        chain.setWeights(netuid, CHARLIE, new int[] {0, 1, 2}, weights, chain.hyperparameters(netuid).weightsVersionKey());
    }

    /** {@code miner} commits a delta for {@code round}. */
    public static void commit(LocalChain chain, int netuid, Sr25519KeyPair miner, long round) {
        chain.setCommitment(netuid, miner, new CommitmentPayload(round, "ab".repeat(32), "file:///deltas/"
                + miner.ss58Address().substring(0, 8)).encode());
    }

    /** Writes a micro model with {@code seed} into the store as a revision; returns the revision. */
    public static String publish(Path store, Path work, long seed) throws IOException {
        Path model = TestModels.writeMicroModel(work.resolve("model-" + seed), seed);
        String revision = Sha256.ofFile(model.resolve(ModelDirectory.WEIGHTS_FILE));
        Path dir = store.resolve(StorageLayout.modelPrefix(revision));
        Files.createDirectories(dir);
        Files.copy(model.resolve(ModelDirectory.WEIGHTS_FILE), dir.resolve(StorageLayout.MODEL_FILE),
                StandardCopyOption.REPLACE_EXISTING);
        Files.copy(model.resolve(ModelDirectory.CONFIG_FILE), dir.resolve(StorageLayout.CONFIG_FILE),
                StandardCopyOption.REPLACE_EXISTING);
        return revision;
    }

    /** Points the store's {@code latest} at {@code revision} from {@code round} on. */
    public static void pointLatest(Path store, String revision, long round) throws IOException {
        Files.createDirectories(store);
        Path tmp = store.resolve(".latest.tmp");
        Files.write(tmp, new LatestPointer(revision, round).toJson());
        Files.move(tmp, store.resolve(StorageLayout.LATEST), StandardCopyOption.ATOMIC_MOVE,
                StandardCopyOption.REPLACE_EXISTING);
    }
}
