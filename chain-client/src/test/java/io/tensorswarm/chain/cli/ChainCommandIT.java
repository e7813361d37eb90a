package io.tensorswarm.chain.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tensorswarm.chain.calls.CallEncoder;
import io.tensorswarm.chain.crypto.Sr25519KeyPair;
import io.tensorswarm.chain.local.Time;
import io.tensorswarm.chain.metadata.VariantValue;
import io.tensorswarm.chain.subtensor.LocalSubtensor;
import io.tensorswarm.chain.subtensor.SubtensorClient;
import io.tensorswarm.chain.subtensor.SubtensorSettings;
import io.tensorswarm.chain.wallet.Argon2Settings;
import io.tensorswarm.chain.wallet.NaclKeyfileCipher;
import io.tensorswarm.chain.wallet.PasswordSource;
import io.tensorswarm.chain.wallet.Wallet;
import io.tensorswarm.chain.wallet.WalletPaths;
import io.tensorswarm.common.cli.ExitCodes;
import io.tensorswarm.common.testing.CliRun;
import java.math.BigInteger;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the {@code chain} command against a real subtensor runtime (chopsticks, see docs/chain.md):
 * Alice creates a subnet and funds a new wallet's coldkey through {@link SubtensorClient}, then the
 * command reads the chain, registers the wallet's hotkey and commits. Skipped, with a notice, unless
 * {@code TS_SUBTENSOR_RUNTIME} names the runtime's chain spec.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ChainCommandIT {
    private static final NaclKeyfileCipher CHEAP = NaclKeyfileCipher.withSettings(new Argon2Settings(1, 64, 1));
    private static final String PASSWORD = "correct-horse-7781";
    private static final Sr25519KeyPair ALICE = Sr25519KeyPair.fromUri("//Alice");

    @TempDir
    static Path tmp;

    private LocalSubtensor node;
    private SubtensorClient admin;
    private Wallet wallet;
    private int netuid;

    @BeforeAll
    void startChain() throws Exception {
        String runtime = LocalSubtensor.configuredRuntime();
        if (runtime == null) {
            System.err.println("NOTICE: ChainCommandIT skipped: set TS_SUBTENSOR_RUNTIME to a subtensor raw chain spec; "
                    + "see docs/chain.md");
        }
        Assumptions.assumeTrue(runtime != null, "TS_SUBTENSOR_RUNTIME not set");
        node = LocalSubtensor.start();
        admin = SubtensorClient.connect(SubtensorSettings.of(node.url()));
        wallet = Wallet.create(new WalletPaths(tmp.resolve("wallets"), "it", "default"), PasswordSource.of(PASSWORD),
                CHEAP).wallet();
        var sudo = CallEncoder.encode(admin.metadata(), "Sudo", "sudo", VariantValue.of("AdminUtils",
                VariantValue.of("sudo_set_network_rate_limit", Map.of("rate_limit", 0L))));
        admin.submit(sudo, ALICE);
        netuid = subnetCount() + 1;
        admin.submit(CallEncoder.encode(admin.metadata(), "SubtensorModule", "register_network",
                Map.of("hotkey", ALICE.publicKey().toBytes(), "mechid", 1)), ALICE);
        while (netuid > 1 && !admin.subnetExists(netuid)) {
            netuid--;
        }
        admin.submit(CallEncoder.encode(admin.metadata(), "Balances", "transfer_keep_alive",
                VariantValue.of("Id", wallet.coldkeyPub().publicKey()), BigInteger.valueOf(1_000_000_000_000L)), ALICE);
    }

    private int subnetCount() {
        int n = 1;
        while (admin.subnetExists(n)) {
            n++;
        }
        return n - 1;
    }

    @AfterAll
    void stopChain() throws Exception {
        if (admin != null) {
            admin.close();
        }
        if (node != null) {
            node.close();
        }
    }

    private CliRun chain(String... args) {
        List<String> full = new ArrayList<>(List.of(args));
        full.addAll(List.of("--subtensor.chain_endpoint", node.url()));
        if (Set.of("register", "commit").contains(args[0])) {
            full.addAll(List.of("--wallet.path", tmp.resolve("wallets").toString(), "--wallet.name", "it"));
        }
        return CliRun.of(new ChainCommand(CHEAP, Map.of(PasswordSource.ENV_VARIABLE, PASSWORD)::get, p -> null,
                Time.SYSTEM), full.toArray(String[]::new));
    }

    private static void assertOk(CliRun run) {
        assertEquals(ExitCodes.OK, run.exitCode(), () -> "stdout:\n" + run.out() + "\nstderr:\n" + run.err());
    }

    @Test
    @Order(1)
    void infoReportsTheRuntime() throws Exception {
        CliRun run = chain("info", "--json");
        assertOk(run);
        JsonNode info = new ObjectMapper().readTree(run.out());
        assertEquals(Long.toString(admin.specVersion()), info.get("specVersion").asText());
        assertTrue(info.get("genesisHash").asText().matches("0x[0-9a-f]{64}"), run.out());
    }

    @Test
    @Order(2)
    void registerBurnsFromTheWalletsColdkey() {
        CliRun run = chain("register", "--netuid", Integer.toString(netuid));
        assertOk(run);
        assertTrue(run.out().contains("fee: "), run.out());
        assertTrue(run.out().contains("registered in block "), run.out());
        assertTrue(admin.metagraph(netuid).byHotkey(wallet.hotkeyPub().toString()).isPresent());
    }

    @Test
    @Order(3)
    void commitThenCommitmentsShowsTheText() throws Exception {
        assertOk(chain("commit", "--netuid", Integer.toString(netuid), "--data", "tensorswarm-it"));
        CliRun run = chain("commitments", "--netuid", Integer.toString(netuid), "--json");
        assertOk(run);
        JsonNode all = new ObjectMapper().readTree(run.out());
        assertEquals(1, all.size());
        assertEquals(wallet.hotkeyPub().toString(), all.get(0).get("hotkey").asText());
        assertEquals("tensorswarm-it", all.get(0).get("text").asText());
    }

    @Test
    @Order(4)
    void anUnknownSubnetIsOneLine() {
        CliRun run = chain("metagraph", "--netuid", "999");
        assertEquals(ExitCodes.FAILURE, run.exitCode());
        assertTrue(run.isOneLineError(), run.err());
        assertTrue(run.err().contains("subnet 999 does not exist on " + node.url()), run.err());
    }
}
