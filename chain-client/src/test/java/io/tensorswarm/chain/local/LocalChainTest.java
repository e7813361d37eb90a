package io.tensorswarm.chain.local;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tensorswarm.chain.ChainException;
import io.tensorswarm.chain.DispatchException;
import io.tensorswarm.chain.calls.WeightCommitHash;
import io.tensorswarm.chain.crypto.Sr25519KeyPair;
import io.tensorswarm.chain.model.AxonInfo;
import io.tensorswarm.chain.model.Commitment;
import io.tensorswarm.chain.model.Metagraph;
import io.tensorswarm.chain.model.Neuron;
import io.tensorswarm.chain.model.TxReceipt;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

/** The local chain's rules, driven block by block with {@link MockTime}. */
class LocalChainTest {
    private static final long BLOCK_MS = 12_000;
    private static final long TAO = 1_000_000_000L;
    private static final Map<String, Sr25519KeyPair> KEYS = new HashMap<>();

    @TempDir
    Path dir;

    private final MockTime time = new MockTime(1_700_000_000_000L);

    static Sr25519KeyPair key(String name) {
        synchronized (KEYS) {
            return KEYS.computeIfAbsent(name, n -> Sr25519KeyPair.fromUri("//" + n));
        }
    }

    private LocalChain chain() {
        return LocalChain.builder().setDirectory(dir).optTime(time).build();
    }

    private void blocks(long n) {
        time.sleep(n * BLOCK_MS);
    }

    private static void assertDispatch(String error, Executable call) {
        DispatchException e = assertThrows(DispatchException.class, call);
        assertEquals(error, e.errorName(), e.getMessage());
    }

    /** Creates a subnet and registers {@code names} (coldkey Alice) in order; returns the netuid. */
    private static int subnetWith(LocalChain chain, LocalSubnetConfig cfg, String... names) {
        int netuid = chain.createSubnet(cfg);
        for (String n : names) {
            chain.burnedRegister(netuid, key("Alice"), key(n).ss58Address());
        }
        return netuid;
    }

    @Test
    void aHandEditedStateFileIsRefusedAtLoadNamingTheField() throws Exception {
        chain().currentBlock(); // writes state.json at genesis
        Path state = dir.resolve("state.json");
        String good = java.nio.file.Files.readString(state);
        for (String[] edit : new String[][] {
                {"\"blockTimeMillis\"\\s*:\\s*\\d+", "\"blockTimeMillis\":0", "blockTimeMillis 0 is not in [1, 3600000]"},
                {"\"version\"\\s*:\\s*\\d+", "\"version\":4294967297", "version"},
                {"\"extrinsicCount\"\\s*:\\s*\\d+", "\"extrinsicCount\":-5", "extrinsicCount -5 is negative"}}) {
            String bad = good.replaceFirst(edit[0], edit[1]);
            assertFalse(bad.equals(good), edit[0]);
            java.nio.file.Files.writeString(state, bad);
            ChainException e = assertThrows(ChainException.class, () -> chain().currentBlock());
            assertTrue(e.getMessage().startsWith("Local chain state " + state + " is corrupt: "), e.getMessage());
            assertTrue(e.getMessage().contains(edit[2]), e.getMessage());
            assertFalse(e.getMessage().contains("\n"), e.getMessage());
            assertFalse(e.retryable());
        }
        java.nio.file.Files.writeString(state, good);
        assertEquals(0, chain().currentBlock());
    }

    @Test
    void blocksFollowTheClockAndHashesAreStable() {
        LocalChain chain = chain();
        assertEquals(0, chain.currentBlock());
        time.sleep(BLOCK_MS - 1);
        assertEquals(0, chain.currentBlock());
        time.sleep(1);
        assertEquals(1, chain.currentBlock());
        blocks(4);
        assertEquals(5, chain.currentBlock());
        assertArrayEquals(chain.blockHash(3), chain.blockHash(3));
        assertEquals(32, chain.blockHash(3).length);
        assertFalse(java.util.Arrays.equals(chain.blockHash(3), chain.blockHash(4)));
        assertThrows(ChainException.class, () -> chain.blockHash(6));
        assertEquals(Duration.ofSeconds(12), chain.blockTime());
    }

    @Test
    void registrationBurnsFromTheColdkeyAndAssignsUidsInOrder() {
        LocalChain chain = chain();
        String alice = key("Alice").ss58Address();
        assertEquals(LocalChain.DEV_ACCOUNT_BALANCE_RAO, chain.balance(alice));
        int netuid = chain.createSubnet(LocalSubnetConfig.defaults().withBurnRao(3 * TAO));
        assertEquals(1, netuid);

        TxReceipt r = chain.burnedRegister(netuid, key("Alice"), key("m1").ss58Address());
        chain.burnedRegister(netuid, key("Alice"), key("m2").ss58Address());
        assertEquals(0, r.blockNumber());
        assertTrue(r.blockHash().startsWith("0x") && r.blockHash().length() == 66);
        assertEquals(LocalChain.DEV_ACCOUNT_BALANCE_RAO - 6 * TAO, chain.balance(alice));
        Metagraph mg = chain.metagraph(netuid);
        assertEquals(2, mg.neurons().size());
        assertEquals(key("m2").ss58Address(), mg.neurons().get(1).hotkey());
        assertEquals(alice, mg.neurons().get(1).coldkey());

        assertDispatch("HotKeyAlreadyRegisteredInSubNet",
                () -> chain.burnedRegister(netuid, key("Alice"), key("m1").ss58Address()));
        chain.fund(key("poor").ss58Address(), 3 * TAO - 1);
        assertDispatch("NotEnoughBalanceToStake",
                () -> chain.burnedRegister(netuid, key("poor"), key("m3").ss58Address()));
        int other = chain.createSubnet(LocalSubnetConfig.defaults());
        assertDispatch("NonAssociatedColdKey",
                () -> chain.burnedRegister(other, key("Bob"), key("m1").ss58Address()));
        assertDispatch("SubnetNotExists", () -> chain.burnedRegister(99, key("Alice"), key("m9").ss58Address()));
        chain.fund(key("poor").ss58Address(), 1);
        chain.burnedRegister(netuid, key("poor"), key("m3").ss58Address());
        assertEquals(0, chain.balance(key("poor").ss58Address()));
    }

    @Test
    void aFullSubnetReplacesTheLowestIncentiveOutsideImmunity() {
        LocalChain chain = chain();
        LocalSubnetConfig cfg = LocalSubnetConfig.defaults().withMaxUids(3).withImmunityPeriod(5).withTempo(10);
        int netuid = chain.createSubnet(cfg);
        chain.burnedRegister(netuid, key("Alice"), key("a").ss58Address());
        blocks(1);
        chain.burnedRegister(netuid, key("Alice"), key("b").ss58Address());
        chain.burnedRegister(netuid, key("Alice"), key("v").ss58Address());
        chain.setStake(netuid, key("v").ss58Address(), 10 * TAO);
        chain.setWeights(netuid, key("v"), new int[] {0}, new int[] {65535}, 0);

        blocks(3);
        assertDispatch("NoNeuronIdAvailable", () -> chain.burnedRegister(netuid, key("Alice"), key("c").ss58Address()));
        blocks(6); // block 10: the epoch gives uid 0 ("a", the oldest) all incentive
        assertEquals(1.0, chain.metagraph(netuid).neurons().get(0).incentive(), 1e-12);
        chain.burnedRegister(netuid, key("Alice"), key("c").ss58Address());

        Metagraph mg = chain.metagraph(netuid);
        assertEquals(key("a").ss58Address(), mg.neurons().get(0).hotkey());
        assertEquals(key("c").ss58Address(), mg.neurons().get(1).hotkey());
        assertEquals(key("v").ss58Address(), mg.neurons().get(2).hotkey());
        assertEquals(0, mg.neurons().get(1).lastUpdate());
    }

    @Test
    void validatorPermitsGoToTheTopStake() {
        LocalChain chain = chain();
        int netuid = subnetWith(chain, LocalSubnetConfig.defaults().withMaxAllowedValidators(2), "n0", "n1", "n2", "n3");
        chain.setStake(netuid, key("n0").ss58Address(), 5);
        chain.setStake(netuid, key("n2").ss58Address(), 7);
        chain.setStake(netuid, key("n3").ss58Address(), 3);
        Metagraph mg = chain.metagraph(netuid);
        assertEquals(java.util.List.of(true, false, true, false),
                mg.neurons().stream().map(Neuron::validatorPermit).toList());
        assertEquals(7, mg.neurons().get(2).stakeRao());

        LocalSubnetConfig wider = chain.subnetConfig(netuid).withMaxAllowedValidators(10);
        chain.setHyperparameters(netuid, wider);
        assertEquals(java.util.List.of(true, false, true, true),
                chain.metagraph(netuid).neurons().stream().map(Neuron::validatorPermit).toList());
        assertEquals(wider, chain.subnetConfig(netuid));
    }

    @Test
    void setWeightsEnforcesEachChainRule() {
        LocalChain chain = chain();
        LocalSubnetConfig cfg = LocalSubnetConfig.defaults().withWeightsVersionKey(7).withMinAllowedWeights(2)
                .withMaxWeightLimit(40_000).withWeightsRateLimit(5);
        int netuid = subnetWith(chain, cfg, "v", "m1", "m2");
        chain.setStake(netuid, key("v").ss58Address(), TAO);
        Sr25519KeyPair v = key("v");
        int[] uids = {1, 2};
        int[] even = {65535, 65535};

        assertDispatch("HotKeyNotRegisteredInSubNet", () -> chain.setWeights(netuid, key("x"), uids, even, 7));
        assertDispatch("WeightVecNotEqualSize", () -> chain.setWeights(netuid, v, uids, new int[] {1}, 7));
        assertDispatch("UidsLengthExceedUidsInSubNet", () -> chain.setWeights(netuid, v, new int[] {0, 1, 2, 3}, new int[4], 7));
        assertDispatch("IncorrectWeightVersionKey", () -> chain.setWeights(netuid, v, uids, even, 6));
        assertDispatch("NeuronNoValidatorPermit", () -> chain.setWeights(netuid, key("m1"), uids, even, 7));
        assertDispatch("DuplicateUids", () -> chain.setWeights(netuid, v, new int[] {1, 1}, even, 7));
        assertDispatch("UidVecContainInvalidOne", () -> chain.setWeights(netuid, v, new int[] {1, 3}, even, 7));
        assertDispatch("WeightVecLengthIsLow", () -> chain.setWeights(netuid, v, new int[] {1}, new int[] {5}, 7));
        // 65535 / (65535 + 20000) of the total = 50006/65535 > 40000
        assertDispatch("MaxWeightExceeded", () -> chain.setWeights(netuid, v, uids, new int[] {65535, 20000}, 7));
        assertDispatch("SubnetNotExists", () -> chain.setWeights(42, v, uids, even, 7));

        TxReceipt ok = chain.setWeights(netuid, v, uids, new int[] {65535, 60000}, 8);
        // a miner without permit may weight only itself
        chain.setWeights(netuid, key("m1"), new int[] {1}, new int[] {1}, 7);
        assertEquals(ok.blockNumber(), chain.metagraph(netuid).neurons().get(0).lastUpdate());
    }

    @Test
    void rateLimitCountsBlocksSinceTheLastUpdate() {
        LocalChain chain = chain();
        int netuid = subnetWith(chain, LocalSubnetConfig.defaults().withWeightsRateLimit(3).withTempo(100), "v", "m");
        chain.setStake(netuid, key("v").ss58Address(), TAO);
        blocks(2);
        chain.setWeights(netuid, key("v"), new int[] {1}, new int[] {1}, 0);
        blocks(2);
        DispatchException e = assertThrows(DispatchException.class,
                () -> chain.setWeights(netuid, key("v"), new int[] {1}, new int[] {1}, 0));
        assertEquals("SubtensorModule", e.pallet());
        assertEquals("SettingWeightsTooFast", e.errorName());
        assertTrue(e.getMessage().startsWith("SubtensorModule.SettingWeightsTooFast: "), e.getMessage());
        blocks(1);
        assertEquals(5, chain.setWeights(netuid, key("v"), new int[] {1}, new int[] {1}, 0).blockNumber());
        assertEquals(5, chain.metagraph(netuid).neurons().get(0).lastUpdate());
    }

    @Test
    void commitRevealAcceptsTheRevealOnlyInItsEpoch() {
        LocalChain chain = chain();
        LocalSubnetConfig cfg = LocalSubnetConfig.defaults().withCommitRevealEnabled(true).withRevealPeriodEpochs(1)
                .withTempo(10).withWeightsRateLimit(2);
        int netuid = subnetWith(chain, cfg, "v", "m");
        chain.setStake(netuid, key("v").ss58Address(), TAO);
        Sr25519KeyPair v = key("v");
        int[] uids = {1};
        int[] values = {65535};
        int[] salt = {1, 2, 3};
        byte[] hash = WeightCommitHash.compute(v.publicKey().toBytes(), netuid, uids, values, salt, 0);

        assertDispatch("CommitRevealEnabled", () -> chain.setWeights(netuid, v, uids, values, 0));
        assertDispatch("NoWeightsCommitFound", () -> chain.revealWeights(netuid, v, uids, values, salt, 0));
        blocks(3);
        chain.commitWeights(netuid, v, hash); // block 3, epoch 0
        assertDispatch("CommittingWeightsTooFast", () -> chain.commitWeights(netuid, v, hash));
        assertDispatch("RevealTooEarly", () -> chain.revealWeights(netuid, v, uids, values, salt, 0));
        blocks(7); // block 10, epoch 1
        assertDispatch("InvalidRevealCommitHashNotMatch",
                () -> chain.revealWeights(netuid, v, uids, values, new int[] {1, 2, 4}, 0));
        TxReceipt revealed = chain.revealWeights(netuid, v, uids, values, salt, 0);
        assertEquals(10, revealed.blockNumber());
        assertEquals(3, chain.metagraph(netuid).neurons().get(0).lastUpdate(), "the commit was the update");
        assertDispatch("NoWeightsCommitFound", () -> chain.revealWeights(netuid, v, uids, values, salt, 0));

        blocks(10); // block 20, epoch 2: the revealed weights give m all incentive
        assertEquals(1.0, chain.metagraph(netuid).neurons().get(1).incentive(), 1e-12);
        chain.commitWeights(netuid, v, hash); // epoch 2, reveal in epoch 3
        blocks(20); // epoch 4
        assertDispatch("ExpiredWeightCommit", () -> chain.revealWeights(netuid, v, uids, values, salt, 0));

        chain.setHyperparameters(netuid, cfg.withCommitRevealEnabled(false));
        assertDispatch("CommitRevealDisabled", () -> chain.commitWeights(netuid, v, hash));
    }

    @Test
    @Timeout(30)
    void aCommitWaitsForTheRateLimitFromTheLastSetWeightsAndBecomesTheNeuronsUpdate() {
        LocalChain chain = chain();
        LocalSubnetConfig cfg = LocalSubnetConfig.defaults().withTempo(10).withWeightsRateLimit(10);
        int netuid = subnetWith(chain, cfg, "v", "m");
        chain.setStake(netuid, key("v").ss58Address(), TAO);
        blocks(2);
        chain.setWeights(netuid, key("v"), new int[] {1}, new int[] {1}, 0); // block 2
        chain.setHyperparameters(netuid, cfg.withCommitRevealEnabled(true));
        blocks(3);
        assertDispatch("CommittingWeightsTooFast", () -> chain.commitWeights(netuid, key("v"), new byte[32]));
        blocks(7); // block 12
        chain.commitWeights(netuid, key("v"), new byte[32]);
        assertEquals(12, chain.metagraph(netuid).neurons().get(0).lastUpdate());
    }

    @Test
    @Timeout(30)
    void anAcceptedRevealDropsTheOlderCommitsAndLeavesTheLastUpdateAtTheCommit() {
        LocalChain chain = chain();
        LocalSubnetConfig cfg = LocalSubnetConfig.defaults().withCommitRevealEnabled(true).withRevealPeriodEpochs(1)
                .withTempo(10).withWeightsRateLimit(0);
        int netuid = subnetWith(chain, cfg, "v", "m");
        chain.setStake(netuid, key("v").ss58Address(), TAO);
        Sr25519KeyPair v = key("v");
        int[] uids = {1};
        int[] values = {65535};
        int[] older = {1};
        int[] newer = {2};
        blocks(1);
        chain.commitWeights(netuid, v, WeightCommitHash.compute(v.publicKey().toBytes(), netuid, uids, values, older, 0));
        blocks(1);
        chain.commitWeights(netuid, v, WeightCommitHash.compute(v.publicKey().toBytes(), netuid, uids, values, newer, 0));
        blocks(8); // block 10, epoch 1
        chain.revealWeights(netuid, v, uids, values, newer, 0);
        assertEquals(2, chain.metagraph(netuid).neurons().get(0).lastUpdate(), "the last commit, not the reveal");
        assertDispatch("NoWeightsCommitFound", () -> chain.revealWeights(netuid, v, uids, values, older, 0));
    }

    @Test
    @Timeout(30)
    void aRevealAfterItsWindowNamesTheExpiryUntilACommitDropsTheExpiredOne() {
        LocalChain chain = chain();
        LocalSubnetConfig cfg = LocalSubnetConfig.defaults().withCommitRevealEnabled(true).withRevealPeriodEpochs(1)
                .withTempo(10).withWeightsRateLimit(0);
        int netuid = subnetWith(chain, cfg, "v", "m");
        Sr25519KeyPair v = key("v");
        int[] uids = {1};
        int[] values = {65535};
        int[] salt = {1};
        blocks(1);
        chain.commitWeights(netuid, v, WeightCommitHash.compute(v.publicKey().toBytes(), netuid, uids, values, salt, 0));
        blocks(20); // block 21, epoch 2: the commit of epoch 0 expired
        assertDispatch("ExpiredWeightCommit", () -> chain.revealWeights(netuid, v, uids, values, salt, 0));
        chain.commitWeights(netuid, v, new byte[32]); // drops the expired commit, as subtensor's commit does
        assertDispatch("InvalidRevealCommitHashNotMatch", () -> chain.revealWeights(netuid, v, uids, values, salt, 0));
    }

    @Test
    void atMostTenCommitsWaitForTheirReveal() {
        LocalChain chain = chain();
        LocalSubnetConfig cfg = LocalSubnetConfig.defaults().withCommitRevealEnabled(true).withRevealPeriodEpochs(20)
                .withTempo(100).withWeightsRateLimit(0);
        int netuid = subnetWith(chain, cfg, "v");
        for (int i = 0; i < 10; i++) {
            byte[] h = new byte[32];
            h[0] = (byte) i;
            chain.commitWeights(netuid, key("v"), h);
        }
        assertDispatch("TooManyUnrevealedCommits", () -> chain.commitWeights(netuid, key("v"), new byte[32]));
    }

    @Test
    void commitmentsKeepTheirBytesAndBlockWithinTheSpaceQuota() {
        LocalChain chain = chain();
        int netuid = subnetWith(chain, LocalSubnetConfig.defaults().withMaxCommitmentSpace(300).withTempo(10), "m1", "m2");
        byte[] locator = "file:///tmp/x#abc".getBytes(StandardCharsets.UTF_8);

        assertDispatch("AccountNotAllowedCommit", () -> chain.setCommitment(netuid, key("x"), locator));
        blocks(2);
        chain.setCommitment(netuid, key("m1"), locator);
        blocks(1);
        chain.setCommitment(netuid, key("m2"), new byte[] {1, 2});
        Commitment c = chain.commitment(netuid, key("m1").ss58Address()).orElseThrow();
        assertEquals(2, c.block());
        assertArrayEquals(locator, c.data());
        assertEquals(2, chain.commitments(netuid).size());
        assertTrue(chain.commitment(netuid, key("x").ss58Address()).isEmpty());

        chain.setCommitment(netuid, key("m1"), new byte[150]); // 100 + 150 = 250 of 300
        DispatchException e = assertThrows(DispatchException.class, () -> chain.setCommitment(netuid, key("m1"), new byte[1]));
        assertEquals("Commitments", e.pallet());
        assertEquals("SpaceLimitExceeded", e.errorName());
        assertEquals(150, chain.commitment(netuid, key("m1").ss58Address()).orElseThrow().data().length);
        blocks(7); // block 10: a new epoch, a new quota
        chain.setCommitment(netuid, key("m1"), new byte[1]);
        assertEquals(10, chain.commitment(netuid, key("m1").ss58Address()).orElseThrow().block());
    }

    @Test
    void serveAxonChecksTheAddressAndTheRateLimit() {
        LocalChain chain = chain();
        int netuid = subnetWith(chain, LocalSubnetConfig.defaults().withServingRateLimit(2), "m");
        Sr25519KeyPair m = key("m");
        assertDispatch("InvalidIpType", () -> chain.serveAxon(netuid, m, new AxonInfo("1.2.3.4", 8091, 5, 4, 1)));
        assertDispatch("InvalidIpAddress", () -> chain.serveAxon(netuid, m, new AxonInfo("1.2.3.256", 8091, 4, 4, 1)));
        assertDispatch("InvalidIpAddress", () -> chain.serveAxon(netuid, m, new AxonInfo("0.0.0.0", 8091, 4, 4, 1)));
        assertDispatch("InvalidIpAddress", () -> chain.serveAxon(netuid, m, new AxonInfo("example.org", 8091, 6, 4, 1)));
        assertDispatch("InvalidPort", () -> chain.serveAxon(netuid, m, new AxonInfo("1.2.3.4", 0, 4, 4, 1)));
        assertDispatch("HotKeyNotRegisteredInSubNet",
                () -> chain.serveAxon(netuid, key("x"), new AxonInfo("1.2.3.4", 1, 4, 4, 1)));

        AxonInfo axon = new AxonInfo("127.0.0.1", 8091, 4, 4, 1);
        chain.serveAxon(netuid, m, axon);
        assertEquals(axon, chain.metagraph(netuid).neurons().get(0).axon());
        blocks(1);
        assertDispatch("ServingRateLimitExceeded", () -> chain.serveAxon(netuid, m, axon));
        blocks(1);
        AxonInfo v6 = new AxonInfo("2001:db8::1", 9000, 6, 4, 1);
        chain.serveAxon(netuid, m, v6);
        assertEquals(v6, chain.metagraph(netuid).neurons().get(0).axon());
    }

    @Test
    void eachEpochPaysIncentiveToWhatTheStakeMajorityBacks() {
        LocalChain chain = chain();
        int netuid = subnetWith(chain, LocalSubnetConfig.defaults().withTempo(10).withMinAllowedWeights(1),
                "v1", "v2", "m1", "m2");
        chain.setStake(netuid, key("v1").ss58Address(), 3 * TAO);
        chain.setStake(netuid, key("v2").ss58Address(), TAO);
        blocks(1);
        chain.setWeights(netuid, key("v1"), new int[] {2}, new int[] {65535}, 0);
        chain.setWeights(netuid, key("v2"), new int[] {3}, new int[] {65535}, 0);
        blocks(8); // block 9: no epoch yet
        assertEquals(0.0, chain.metagraph(netuid).neurons().get(2).incentive());

        blocks(1); // block 10
        Metagraph mg = chain.metagraph(netuid);
        assertEquals(1.0, mg.neurons().get(2).incentive(), 1e-12);
        assertEquals(0.0, mg.neurons().get(3).incentive(), 1e-12);
        assertEquals(1.0, mg.neurons().get(0).dividends(), 1e-12);
        assertEquals(1, mg.neurons().get(0).lastUpdate());

        chain.setHyperparameters(netuid, chain.subnetConfig(netuid).withConsensusClipping(false));
        blocks(10); // block 20
        mg = chain.metagraph(netuid);
        assertEquals(0.75, mg.neurons().get(2).incentive(), 1e-12);
        assertEquals(0.25, mg.neurons().get(3).incentive(), 1e-12);
        assertEquals(0.25, mg.neurons().get(1).dividends(), 1e-12);
    }

    @Test
    void genesisCreatesSubnetsBalancesAndStake() {
        LocalChain chain = LocalChain.builder().setDirectory(dir).optTime(time).optDevAccounts(false)
                .optBalance(key("c").ss58Address(), 5 * TAO)
                .optSubnet(3, LocalSubnetConfig.defaults().withBurnRao(2 * TAO))
                .optStake(3, key("v").ss58Address(), 9)
                .build();
        assertEquals(0, chain.balance(key("Alice").ss58Address()));
        chain.burnedRegister(3, key("c"), key("v").ss58Address());
        assertEquals(3 * TAO, chain.balance(key("c").ss58Address()));
        Neuron v = chain.metagraph(3).neurons().get(0);
        assertEquals(9, v.stakeRao());
        assertTrue(v.validatorPermit());
        assertThrows(IllegalArgumentException.class, () -> LocalChain.builder().setDirectory(dir)
                .optStake(4, key("v").ss58Address(), 1).build());
    }

    @Test
    void hyperparametersReportTheChainView() {
        LocalChain chain = chain();
        LocalSubnetConfig cfg = LocalSubnetConfig.defaults().withTempo(360).withWeightsVersionKey(5)
                .withCommitRevealEnabled(true).withRevealPeriodEpochs(2).withMinAllowedWeights(8).withMaxWeightLimit(1000);
        chain.createSubnet(4, cfg);
        var hp = chain.hyperparameters(4);
        assertEquals(new io.tensorswarm.chain.model.SubnetHyperparameters(4, 360, 10, 5, true, 2, 8, 1000), hp);
        assertThrows(ChainException.class, () -> chain.createSubnet(4, cfg));
        assertThrows(ChainException.class, () -> chain.hyperparameters(5));
        assertEquals(1, chain.createSubnet(cfg));
        assertEquals(2, chain.createSubnet(cfg));
        assertEquals(3, chain.createSubnet(cfg));
        assertEquals(5, chain.createSubnet(cfg));
    }
}
