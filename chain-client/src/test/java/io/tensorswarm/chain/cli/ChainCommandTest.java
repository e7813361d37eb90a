package io.tensorswarm.chain.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tensorswarm.chain.local.LocalChain;
import io.tensorswarm.chain.local.MockTime;
import io.tensorswarm.chain.wallet.Argon2Settings;
import io.tensorswarm.chain.wallet.NaclKeyfileCipher;
import io.tensorswarm.chain.wallet.PasswordSource;
import io.tensorswarm.chain.wallet.Wallet;
import io.tensorswarm.chain.wallet.WalletPaths;
import io.tensorswarm.common.cli.ExitCodes;
import io.tensorswarm.common.testing.CliRun;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code chain} subcommands, run in-process against an embedded chain in a temporary folder
 * whose clock ({@link MockTime}, 1 s blocks) the test moves, with wallets in a temporary directory.
 */
class ChainCommandTest {
    private static final NaclKeyfileCipher CHEAP = NaclKeyfileCipher.withSettings(new Argon2Settings(1, 64, 1));
    private static final String PASSWORD = "correct-horse-7781";
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    private final Map<String, String> env = new HashMap<>();
    private final MockTime time = new MockTime(1_000_000);
    private Path wallets;
    private Path chainDir;
    private Wallet validator;
    private Wallet miner;

    @BeforeEach
    void createWallets() {
        env.put(PasswordSource.ENV_VARIABLE, PASSWORD);
        wallets = tmp.resolve("wallets");
        chainDir = tmp.resolve("chain");
        validator = Wallet.create(new WalletPaths(wallets, "v1", "default"), PasswordSource.of(PASSWORD), CHEAP).wallet();
        miner = Wallet.create(new WalletPaths(wallets, "m1", "default"), PasswordSource.of(PASSWORD), CHEAP).wallet();
    }

    /** Runs {@code chain args...} with a fresh command instance, as a new process would. */
    private CliRun chain(String... args) {
        return CliRun.of(new ChainCommand(CHEAP, env::get, prompt -> null, time), args);
    }

    /** Runs a subcommand on the embedded chain with {@code wallet}'s flags appended. */
    private CliRun onChain(Wallet wallet, String... args) {
        List<String> full = new ArrayList<>(List.of(args));
        full.addAll(List.of("--subtensor.network", "embedded", "--local-chain.dir", chainDir.toString()));
        if (wallet != null) {
            full.addAll(List.of("--wallet.path", wallets.toString(), "--wallet.name", wallet.paths().name()));
        }
        return chain(full.toArray(String[]::new));
    }

    private static void assertOk(CliRun run) {
        assertEquals(ExitCodes.OK, run.exitCode(), () -> "stdout:\n" + run.out() + "\nstderr:\n" + run.err());
    }

    private void advanceBlocks(int n) {
        time.sleep(n * 1000L);
    }

    private String hot(Wallet w) {
        return w.hotkeyPub().toString();
    }

    /** local-init of subnet 1 (1 s blocks, tempo 10) with both coldkeys funded, then both hotkeys registered. */
    private void initAndRegister(String... subnetFlags) {
        List<String> init = new ArrayList<>(List.of("local-init", "--local-chain.dir", chainDir.toString(),
                "--netuid", "1", "--tempo", "10", "--block-time", "1s",
                "--fund", validator.coldkeyPub() + "=10000000000", "--fund", miner.coldkeyPub() + "=10000000000"));
        init.addAll(List.of(subnetFlags));
        CliRun created = chain(init.toArray(String[]::new));
        assertOk(created);
        assertTrue(created.out().contains("created a local chain in " + chainDir), created.out());
        assertTrue(created.out().contains("created subnet 1"), created.out());
        advanceBlocks(2);
        CliRun v = onChain(validator, "register", "--netuid", "1");
        assertOk(v);
        assertTrue(v.out().contains("registered in block 2 (0x"), v.out());
        assertTrue(v.out().contains("uid: 0"), v.out());
        assertTrue(v.out().contains("fee: none (embedded chain)"), v.out());
        CliRun m = onChain(miner, "register", "--netuid", "1");
        assertOk(m);
        assertTrue(m.out().contains("uid: 1"), m.out());
        assertOk(chain("local-stake", "--local-chain.dir", chainDir.toString(), "--netuid", "1",
                "--hotkey", hot(validator), "--rao", "1000000000000"));
    }

    @Test
    void everySubcommandWorksOnTheEmbeddedChain() throws Exception {
        initAndRegister("--weights-rate-limit", "5");

        CliRun served = onChain(miner, "serve-axon", "--netuid", "1", "--ip", "10.0.0.5", "--port", "8091");
        assertOk(served);
        assertTrue(served.out().contains("served axon 10.0.0.5:8091 for " + hot(miner) + " in block 2"), served.out());

        assertOk(onChain(miner, "commit", "--netuid", "1", "--data", "bucket-xyz"));
        CliRun commitments = onChain(null, "commitments", "--netuid", "1", "--json");
        assertOk(commitments);
        JsonNode c = JSON.readTree(commitments.out());
        assertEquals(1, c.size());
        assertEquals(hot(miner), c.get(0).get("hotkey").asText());
        assertEquals(2, c.get(0).get("block").asLong());
        assertEquals("bucket-xyz", c.get(0).get("text").asText());
        assertEquals("0x6275636b65742d78797a", c.get(0).get("hex").asText());
        CliRun table = onChain(null, "commitments", "--netuid", "1");
        assertTrue(table.out().contains(hot(miner)) && table.out().contains("bucket-xyz"), table.out());

        advanceBlocks(1);
        CliRun set = onChain(validator, "set-weights", "--netuid", "1", "--uids", "0,1", "--weights", "0.25,0.75");
        assertOk(set);
        assertTrue(set.out().contains("weights for uids [0, 1]: [21845, 65535] (u16), version key 0"), set.out());
        assertTrue(set.out().contains("set weights in block 3 (0x"), set.out());

        CliRun mg = onChain(null, "metagraph", "--netuid", "1", "--json");
        assertOk(mg);
        JsonNode neurons = JSON.readTree(mg.out()).get("neurons");
        assertEquals(2, neurons.size());
        assertEquals(hot(validator), neurons.get(0).get("hotkey").asText());
        assertEquals(validator.coldkeyPub().toString(), neurons.get(0).get("coldkey").asText());
        assertEquals(3, neurons.get(0).get("lastUpdate").asLong());
        assertEquals(1_000_000_000_000L, neurons.get(0).get("stakeRao").asLong());
        assertTrue(neurons.get(0).get("validatorPermit").asBoolean());
        assertEquals("10.0.0.5", neurons.get(1).get("axon").get("ip").asText());
        assertEquals(8091, neurons.get(1).get("axon").get("port").asInt());

        CliRun readable = onChain(null, "metagraph", "--netuid", "1");
        assertOk(readable);
        assertTrue(readable.out().startsWith("subnet 1 at block 3: 2 neurons"), readable.out());
        assertTrue(readable.out().contains("LAST_UPDATE"), readable.out());
        assertTrue(readable.out().contains("10.0.0.5:8091"), readable.out());
        assertTrue(readable.out().lines().anyMatch(l -> l.contains(hot(validator)) && l.contains(" 1000 ")
                && l.contains(" yes ")), readable.out());

        CliRun info = onChain(null, "info", "--json");
        assertOk(info);
        JsonNode i = JSON.readTree(info.out());
        assertEquals("embedded", i.get("specVersion").asText());
        assertEquals(3, i.get("block").asLong());
        assertTrue(i.get("genesisHash").asText().matches("0x[0-9a-f]{64}"), i.toString());
        assertEquals(1000, i.get("blockTimeMillis").asLong());
    }

    @Test
    @Timeout(60)
    void commitWithDataHexSetsTheRawBytesAndRefusesBadHexOrTooManyBytes() throws Exception {
        initAndRegister();
        byte[] raw = {0x02, 0x00, (byte) 0xff, 0x7f, (byte) 0x80};
        CliRun committed = onChain(miner, "commit", "--netuid", "1", "--data-hex", "0x0200ff7f80");
        assertOk(committed);
        assertTrue(committed.out().contains("committed 5 bytes for " + hot(miner)), committed.out());
        JsonNode c = JSON.readTree(onChain(null, "commitments", "--netuid", "1", "--json").out());
        assertEquals("0x0200ff7f80", c.get(0).get("hex").asText());
        assertEquals(raw.length, HexFormat.of().parseHex(c.get(0).get("hex").asText().substring(2)).length);

        CliRun notHex = onChain(miner, "commit", "--netuid", "1", "--data-hex", "0xzz");
        assertEquals(ExitCodes.USAGE, notHex.exitCode());
        assertTrue(notHex.isOneLineError(), notHex.err());
        assertTrue(notHex.err().contains("--data-hex is not hex"), notHex.err());

        CliRun tooLong = onChain(miner, "commit", "--netuid", "1", "--data-hex", "ab".repeat(129));
        assertEquals(ExitCodes.USAGE, tooLong.exitCode());
        assertTrue(tooLong.err().contains("--data-hex is 129 bytes; a commitment holds at most 128"), tooLong.err());

        CliRun both = onChain(miner, "commit", "--netuid", "1", "--data", "x", "--data-hex", "78");
        assertEquals(ExitCodes.USAGE, both.exitCode());
        assertTrue(both.err().contains("mutually exclusive"), both.err());

        CliRun neither = onChain(miner, "commit", "--netuid", "1");
        assertEquals(ExitCodes.USAGE, neither.exitCode());
    }

    @Test
    void settingWeightsTwiceWithinTheRateLimitFailsWithTheRuntimeErrorName() {
        initAndRegister("--weights-rate-limit", "5");
        assertOk(onChain(validator, "set-weights", "--netuid", "1", "--uids", "1", "--weights", "1"));
        advanceBlocks(4);
        CliRun again = onChain(validator, "set-weights", "--netuid", "1", "--uids", "1", "--weights", "1");
        assertEquals(ExitCodes.FAILURE, again.exitCode());
        assertTrue(again.isOneLineError(), again.err());
        assertTrue(again.err().startsWith("error: SubtensorModule.SettingWeightsTooFast"), again.err());
        advanceBlocks(1);
        assertOk(onChain(validator, "set-weights", "--netuid", "1", "--uids", "1", "--weights", "1"));
    }

    @Test
    @Timeout(60)
    void setWeightsFitsTheWeightsToTheSubnetsMinimumCountAndMaxShareAsTheSdkDoes() {
        initAndRegister("--weights-rate-limit", "0");
        LocalChain local = LocalChain.builder().setDirectory(chainDir).optTime(time).build();
        local.setHyperparameters(1, local.subnetConfig(1).withMinAllowedWeights(2).withMaxWeightLimit(45000));
        CliRun one = onChain(validator, "set-weights", "--netuid", "1", "--uids", "1", "--weights", "1");
        assertOk(one);
        assertTrue(one.out().contains("subnet 1 requires at least 2 weights"), one.out());
        assertTrue(one.out().contains("weights for uids [0, 1]: [30348, 65535] (u16)"), one.out());
        advanceBlocks(1);
        CliRun skewed = onChain(validator, "set-weights", "--netuid", "1", "--uids", "0,1", "--weights", "0.1,0.9");
        assertOk(skewed);
        assertTrue(skewed.out().contains("no uid gets more than 45000/65535 of the total"), skewed.out());
        assertTrue(skewed.out().contains("weights for uids [0, 1]: [29906, 65535] (u16)"), skewed.out());
    }

    @Test
    void aVersionKeyBelowTheSubnetsFailsAndTheDefaultIsTheSubnets() {
        initAndRegister("--version-key", "5");
        CliRun low = onChain(validator, "set-weights", "--netuid", "1", "--uids", "1", "--weights", "1",
                "--version-key", "4");
        assertEquals(ExitCodes.FAILURE, low.exitCode());
        assertTrue(low.isOneLineError(), low.err());
        assertTrue(low.err().startsWith("error: SubtensorModule.IncorrectWeightVersionKey"), low.err());
        CliRun dflt = onChain(validator, "set-weights", "--netuid", "1", "--uids", "1", "--weights", "1");
        assertOk(dflt);
        assertTrue(dflt.out().contains("version key 5"), dflt.out());
    }

    @Test
    void commitRevealCommitsThenRevealsInTheWindowAfterARestart() throws Exception {
        initAndRegister("--commit-reveal", "on", "--weights-rate-limit", "0");
        advanceBlocks(10); // block 12, epoch 1
        CliRun set = onChain(validator, "set-weights", "--netuid", "1", "--uids", "0,1", "--weights", "1,3");
        assertOk(set);
        assertTrue(set.out().contains("commit-reveal is enabled on subnet 1"), set.out());
        assertTrue(set.out().contains("in blocks 20-29"), set.out());
        Path file = wallets.resolve("v1/tensorswarm/pending-reveals-" + hot(validator) + ".json");
        assertTrue(Files.exists(file), set.out());
        JsonNode pending = JSON.readTree(file.toFile());
        assertEquals(1, pending.size());
        assertEquals(12, pending.get(0).get("commitBlock").asLong());
        assertEquals("[21845,65535]", pending.get(0).get("values").toString());
        assertEquals(8, pending.get(0).get("salt").size());

        CliRun early = onChain(validator, "reveal", "--netuid", "1");
        assertOk(early);
        assertTrue(early.out().contains("not yet: the commit of block 12 can be revealed from block 20 (now 12)"),
                early.out());
        assertEquals(1, JSON.readTree(file.toFile()).size());

        advanceBlocks(9); // block 21, epoch 2
        CliRun revealed = onChain(validator, "reveal", "--netuid", "1");
        assertOk(revealed);
        assertTrue(revealed.out().contains("revealed the commit of block 12 in block 21"), revealed.out());
        assertEquals(0, JSON.readTree(file.toFile()).size());
        JsonNode neurons = JSON.readTree(onChain(null, "metagraph", "--netuid", "1", "--json").out()).get("neurons");
        assertEquals(12, neurons.get(0).get("lastUpdate").asLong(), "the commit is the update, as on subtensor");
        CliRun none = onChain(validator, "reveal", "--netuid", "1");
        assertOk(none);
        assertTrue(none.out().contains("no pending reveals for " + hot(validator) + " on subnet 1"), none.out());
    }

    @Test
    void aCommitTheChainRefusesLeavesNoPendingRevealBehind() throws Exception {
        initAndRegister("--commit-reveal", "on", "--weights-rate-limit", "100");
        Path state = tmp.resolve("state");
        assertOk(onChain(validator, "set-weights", "--netuid", "1", "--uids", "1", "--weights", "1",
                "--state.dir", state.toString()));
        Path file = state.resolve("pending-reveals-" + hot(validator) + ".json");
        assertEquals(1, JSON.readTree(file.toFile()).size());
        CliRun tooFast = onChain(validator, "set-weights", "--netuid", "1", "--uids", "1", "--weights", "2",
                "--state.dir", state.toString());
        assertEquals(ExitCodes.FAILURE, tooFast.exitCode());
        assertTrue(tooFast.err().startsWith("error: SubtensorModule.CommittingWeightsTooFast"), tooFast.err());
        // The reveal was saved before the commit was sent and removed when the chain refused it.
        JsonNode pending = JSON.readTree(file.toFile());
        assertEquals(1, pending.size(), pending.toString());
        assertEquals("[65535]", pending.get(0).get("values").toString());
    }

    @Test
    void aCommitRevealedTooLateIsDroppedWithTheRuntimeError() throws Exception {
        initAndRegister("--commit-reveal", "on", "--weights-rate-limit", "0");
        Path state = tmp.resolve("state");
        assertOk(onChain(validator, "set-weights", "--netuid", "1", "--uids", "1", "--weights", "1",
                "--state.dir", state.toString()));
        advanceBlocks(30); // block 32: past the window 10-19
        CliRun late = onChain(validator, "reveal", "--netuid", "1", "--state.dir", state.toString());
        assertEquals(ExitCodes.FAILURE, late.exitCode());
        assertTrue(late.isOneLineError(), late.err());
        assertTrue(late.err().startsWith("error: SubtensorModule.ExpiredWeightCommit"), late.err());
        assertEquals(0, JSON.readTree(state.resolve("pending-reveals-" + hot(validator) + ".json").toFile()).size());
    }

    @Test
    void badFlagValuesExitWithUsage() {
        initAndRegister();
        CliRun lengths = onChain(validator, "set-weights", "--netuid", "1", "--uids", "0,1", "--weights", "1");
        assertEquals(ExitCodes.USAGE, lengths.exitCode());
        assertTrue(lengths.isOneLineError(), lengths.err());
        assertTrue(lengths.err().contains("--uids has 2 values but --weights has 1"), lengths.err());

        CliRun negative = onChain(validator, "set-weights", "--netuid", "1", "--uids", "0", "--weights", "-1");
        assertEquals(ExitCodes.USAGE, negative.exitCode());

        CliRun notANumber = onChain(validator, "set-weights", "--netuid", "1", "--uids", "a", "--weights", "1");
        assertEquals(ExitCodes.USAGE, notANumber.exitCode());

        CliRun tooLong = onChain(miner, "commit", "--netuid", "1", "--data", "x".repeat(129));
        assertEquals(ExitCodes.USAGE, tooLong.exitCode());
        assertTrue(tooLong.err().contains("--data is 129 bytes in UTF-8; a commitment holds at most 128"), tooLong.err());

        CliRun ip = onChain(miner, "serve-axon", "--netuid", "1", "--ip", "example.org", "--port", "1");
        assertEquals(ExitCodes.USAGE, ip.exitCode());

        CliRun network = chain("info", "--subtensor.network", "mainnet");
        assertEquals(ExitCodes.USAGE, network.exitCode());
        assertTrue(network.err().contains("unknown --subtensor.network 'mainnet'"), network.err());

        CliRun remoteStake = chain("local-stake", "--subtensor.network", "finney", "--netuid", "1",
                "--hotkey", hot(miner), "--rao", "1");
        assertEquals(ExitCodes.USAGE, remoteStake.exitCode());
    }

    @Test
    void anUnknownSubnetIsOneLineNamingIt() {
        initAndRegister();
        CliRun mg = onChain(null, "metagraph", "--netuid", "7");
        assertEquals(ExitCodes.FAILURE, mg.exitCode());
        assertTrue(mg.isOneLineError(), mg.err());
        assertEquals("error: subnet 7 does not exist on embedded chain in " + chainDir, mg.err().strip());
        CliRun set = onChain(validator, "set-weights", "--netuid", "7", "--uids", "0", "--weights", "1");
        assertEquals(ExitCodes.FAILURE, set.exitCode());
        assertTrue(set.err().contains("subnet 7 does not exist"), set.err());
    }

    @Test
    void anUnreachableEndpointExitsWithStateNamingTheUrl() {
        CliRun run = chain("info", "--subtensor.chain_endpoint", "ws://127.0.0.1:1");
        assertEquals(ExitCodes.STATE, run.exitCode());
        assertTrue(run.isOneLineError(), run.err());
        assertTrue(run.err().contains("ws://127.0.0.1:1"), run.err());
    }

    @Test
    void anEmbeddedChainThatWasNeverInitializedExitsWithState() {
        CliRun run = onChain(null, "info");
        assertEquals(ExitCodes.STATE, run.exitCode());
        assertTrue(run.isOneLineError(), run.err());
        assertTrue(run.err().contains("no local chain in " + chainDir), run.err());
        assertFalse(Files.exists(chainDir.resolve("state.json")));
    }

    @Test
    void localInitOnAnExistingSubnetUpdatesItsHyperparameters() {
        initAndRegister();
        CliRun update = chain("local-init", "--local-chain.dir", chainDir.toString(), "--netuid", "1",
                "--commit-reveal", "on", "--block-time", "200ms");
        assertOk(update);
        assertTrue(update.out().contains("opened the local chain in " + chainDir + " (block time 1000 ms"), update.out());
        assertTrue(update.out().contains("note: the existing chain keeps its block time"), update.out());
        assertTrue(update.out().contains("updated subnet 1"), update.out());
        assertTrue(update.out().contains("subnet 1: tempo 10, weights rate limit 10, commit-reveal on"), update.out());
    }

    @Test
    void theEndpointAsAFileUrlOpensTheEmbeddedChain() {
        initAndRegister();
        CliRun run = chain("info", "--subtensor.chain_endpoint", chainDir.toUri().toString());
        assertOk(run);
        assertTrue(run.out().contains("spec version: embedded"), run.out());
        assertTrue(run.out().contains("block:        2"), run.out());
    }
}
