package io.tensorswarm.chain.subtensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tensorswarm.chain.DispatchException;
import io.tensorswarm.chain.calls.CallEncoder;
import io.tensorswarm.chain.calls.SubtensorCalls;
import io.tensorswarm.chain.calls.WeightCommitHash;
import io.tensorswarm.chain.crypto.Sr25519KeyPair;
import io.tensorswarm.chain.extrinsic.FeeInfo;
import io.tensorswarm.chain.metadata.VariantValue;
import io.tensorswarm.chain.model.AxonInfo;
import io.tensorswarm.chain.model.Commitment;
import io.tensorswarm.chain.model.Metagraph;
import io.tensorswarm.chain.model.Neuron;
import io.tensorswarm.chain.model.SubnetHyperparameters;
import io.tensorswarm.chain.model.TxReceipt;
import io.tensorswarm.chain.rpc.Subscription;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Drives {@link SubtensorClient} against a real subtensor runtime (chopsticks, see docs/chain.md):
 * one chain per class, steps in order, each building on the previous one. Skipped, with a notice,
 * unless {@code TS_SUBTENSOR_RUNTIME} names the runtime's chain spec.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SubtensorClientIT {
    private static final Sr25519KeyPair ALICE = Sr25519KeyPair.fromUri("//Alice");
    private static final Sr25519KeyPair BOB = Sr25519KeyPair.fromUri("//Bob");
    private static final Sr25519KeyPair CHARLIE = Sr25519KeyPair.fromUri("//Charlie");

    private LocalSubtensor node;
    private SubtensorClient chain;
    private int netuid;
    private int bobUid;

    @BeforeAll
    void startChain() throws Exception {
        String runtime = LocalSubtensor.configuredRuntime();
        if (runtime == null) {
            System.err.println("NOTICE: SubtensorClientIT skipped: set TS_SUBTENSOR_RUNTIME to a subtensor raw chain "
                    + "spec (e.g. opentensor/subtensor scripts/specs/raonet.json); see docs/chain.md");
        }
        Assumptions.assumeTrue(runtime != null, "TS_SUBTENSOR_RUNTIME not set");
        node = LocalSubtensor.start();
        chain = SubtensorClient.connect(SubtensorSettings.of(node.url()));
    }

    @AfterAll
    void stopChain() throws Exception {
        if (chain != null) {
            chain.close();
        }
        if (node != null) {
            node.close();
        }
    }

    private void newBlocks(int count) {
        chain.transport().send("dev_newBlock", List.of(Map.of("count", count)));
    }

    private TxReceipt sudo(String adminCall, Map<String, ?> args) {
        var call = CallEncoder.encode(chain.metadata(), "Sudo", "sudo",
                VariantValue.of("AdminUtils", VariantValue.of(adminCall, args)));
        return chain.submit(call, ALICE);
    }

    @Test
    @Order(1)
    void connectsReadsMetadataAndTheBlockClock() {
        assertTrue(chain.specVersion() > 0);
        assertTrue(chain.metadata().version() >= 14);
        assertEquals(7, chain.metadata().pallet("SubtensorModule").index());
        long block = chain.currentBlock();
        assertTrue(block >= 1, "block " + block);
        assertArrayEquals(chain.genesisHash(), chain.blockHash(0));
        assertEquals(32, chain.blockHash(block).length);
    }

    @Test
    @Order(2)
    void newHeadSubscriptionSeesABuiltBlock() throws Exception {
        BlockingQueue<Long> heads = new LinkedBlockingQueue<>();
        long before = chain.currentBlock();
        try (Subscription s = chain.onNewHead(heads::add)) {
            newBlocks(1);
            Long head = heads.poll(30, TimeUnit.SECONDS);
            while (head != null && head <= before) {
                head = heads.poll(30, TimeUnit.SECONDS);
            }
            assertEquals(before + 1, head);
        }
    }

    @Test
    @Order(3)
    void aliceRegistersASubnetAndBurnedRegistersBobAndCharlie() {
        sudo("sudo_set_network_rate_limit", Map.of("rate_limit", 0L));
        var register = CallEncoder.encode(chain.metadata(), "SubtensorModule", "register_network",
                Map.of("hotkey", ALICE.publicKey().toBytes(), "mechid", 1));
        chain.submit(register, ALICE);
        netuid = ownedSubnet();
        FeeInfo fee = chain.estimateFee(SubtensorCalls.burnedRegister(chain.metadata(), netuid,
                BOB.publicKey().toBytes()), ALICE);
        assertEquals("Normal", fee.dispatchClass());
        assertTrue(fee.refTime().signum() > 0 && fee.partialFee().signum() >= 0, "fee " + fee);

        TxReceipt bob = chain.burnedRegister(netuid, ALICE, BOB.ss58Address());
        assertTrue(bob.blockNumber() > 0);
        chain.burnedRegister(netuid, CHARLIE, CHARLIE.ss58Address());
        Metagraph mg = chain.metagraph(netuid);
        Neuron bobNeuron = mg.byHotkey(BOB.ss58Address()).orElseThrow();
        assertEquals(ALICE.ss58Address(), bobNeuron.coldkey());
        assertTrue(mg.byHotkey(CHARLIE.ss58Address()).isPresent());
        bobUid = bobNeuron.uid();
    }

    private int ownedSubnet() {
        StorageReader storage = new StorageReader(chain.transport());
        for (int n = 1; n < 64; n++) {
            Object owner = storage.read(chain.metadata(), null, "SubtensorModule", "SubnetOwner", n);
            if (owner instanceof byte[] key && java.util.Arrays.equals(key, ALICE.publicKey().toBytes())) {
                return n;
            }
        }
        throw new AssertionError("no subnet owned by Alice");
    }

    @Test
    @Order(4)
    void bobServesAnAxonThatTheMetagraphShows() {
        chain.serveAxon(netuid, BOB, new AxonInfo("8.8.4.4", 8091, 4, 4, 1));
        AxonInfo axon = chain.metagraph(netuid).byHotkey(BOB.ss58Address()).orElseThrow().axon();
        assertEquals(new AxonInfo("8.8.4.4", 8091, 4, 4, 1), axon);
    }

    @Test
    @Order(5)
    void bobSetsACommitmentAndReadsItBack() {
        byte[] data = "tensorswarm:bucket/abc".getBytes(StandardCharsets.UTF_8);
        TxReceipt receipt = chain.setCommitment(netuid, BOB, data);
        Optional<Commitment> mine = chain.commitment(netuid, BOB.ss58Address());
        assertTrue(mine.isPresent());
        assertArrayEquals(data, mine.get().data());
        assertEquals(receipt.blockNumber(), mine.get().block());
        List<Commitment> all = chain.commitments(netuid);
        assertEquals(1, all.size());
        assertEquals(BOB.ss58Address(), all.get(0).hotkey());
        assertTrue(chain.commitment(netuid, CHARLIE.ss58Address()).isEmpty());
    }

    @Test
    @Order(6)
    void weightsRateLimitAndVersionKeyFailuresAreDecodedByName() {
        DispatchException tooFast = assertThrows(DispatchException.class,
                () -> chain.setWeights(netuid, BOB, new int[] {bobUid}, new int[] {65535}, 0));
        assertEquals("SubtensorModule", tooFast.pallet());
        assertEquals("SettingWeightsTooFast", tooFast.errorName());

        sudo("sudo_set_weights_version_key", Map.of("netuid", netuid, "weights_version_key", 5L));
        DispatchException version = assertThrows(DispatchException.class,
                () -> chain.setWeights(netuid, BOB, new int[] {bobUid}, new int[] {65535}, 1));
        assertEquals("IncorrectWeightVersionKey", version.errorName());
    }

    @Test
    @Order(7)
    void setWeightsSucceedsOnceTheRateLimitIsLifted() {
        sudo("sudo_set_weights_set_rate_limit", Map.of("netuid", netuid, "weights_set_rate_limit", 0L));
        SubnetHyperparameters hp = chain.hyperparameters(netuid);
        assertEquals(0, hp.weightsRateLimit());
        assertEquals(5, hp.weightsVersionKey());
        assertFalse(hp.commitRevealEnabled());
        TxReceipt receipt = chain.setWeights(netuid, BOB, new int[] {bobUid}, new int[] {65535}, 5);
        Neuron bob = chain.metagraph(netuid).byHotkey(BOB.ss58Address()).orElseThrow();
        assertEquals(receipt.blockNumber(), bob.lastUpdate());
    }

    @Test
    @Order(8)
    void commitThenRevealWeightsWhenCommitRevealIsOn() {
        sudo("sudo_set_commit_reveal_weights_enabled", Map.of("netuid", netuid, "enabled", true));
        SubnetHyperparameters hp = chain.hyperparameters(netuid);
        assertTrue(hp.commitRevealEnabled());
        DispatchException direct = assertThrows(DispatchException.class,
                () -> chain.setWeights(netuid, BOB, new int[] {bobUid}, new int[] {65535}, 5));
        assertEquals("CommitRevealEnabled", direct.errorName());

        int[] uids = {bobUid};
        int[] values = {65535};
        int[] salt = {1, 2, 3, 4, 5, 6, 7, 8};
        byte[] hash = WeightCommitHash.compute(BOB.publicKey().toBytes(), netuid, uids, values, salt, 5);
        chain.commitWeights(netuid, BOB, hash);
        DispatchException early = assertThrows(DispatchException.class,
                () -> chain.revealWeights(netuid, BOB, uids, values, salt, 5));
        assertEquals("RevealTooEarly", early.errorName());
        TxReceipt revealed = null;
        for (int attempt = 0; attempt < 4 && revealed == null; attempt++) {
            newBlocks(hp.tempo() + 1);
            try {
                revealed = chain.revealWeights(netuid, BOB, uids, values, salt, 5);
            } catch (DispatchException e) {
                assertEquals("RevealTooEarly", e.errorName(), e.getMessage());
            }
        }
        assertTrue(revealed != null, "reveal never accepted");
        Object weights = new StorageReader(chain.transport()).read(chain.metadata(), revealed.blockHash(),
                "SubtensorModule", "Weights", netuid, bobUid);
        assertEquals(List.of(List.of(bobUid, 65535)), weights);
    }
}
