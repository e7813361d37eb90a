package io.tensorswarm.chain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tensorswarm.chain.rpc.Endpoints;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** How the chain flags and the environment select a chain, with the Python SDK's precedence. */
class ChainSettingsTest {
    private static final Map<String, String> NO_ENV = Map.of();

    private static ChainSettings flags(String network, String endpoint, Path dir, Map<String, String> env) {
        return ChainSettings.fromFlags(network, endpoint, dir, env::get);
    }

    @Test
    void withNothingGivenTheNetworkIsFinney() {
        ChainSettings s = flags(null, null, null, NO_ENV);
        assertFalse(s.isEmbedded());
        assertEquals(Endpoints.FINNEY, s.url());
        assertEquals(Path.of("work", "chain"), s.localChainDir());
    }

    @Test
    void anExplicitEndpointWinsOverAnExplicitNetworkAndTheEnvironment() {
        Map<String, String> env = Map.of(ChainSettings.ENDPOINT_ENV, "ws://10.0.0.1:9944", ChainSettings.NETWORK_ENV, "test");
        assertEquals("ws://127.0.0.1:9945", flags("finney", "127.0.0.1:9945", null, env).url());
        assertEquals(Endpoints.FINNEY, flags("finney", null, null, env).url());
        assertEquals("ws://10.0.0.1:9944", flags(null, null, null, env).url());
        assertEquals(Endpoints.TEST, flags(null, null, null, Map.of(ChainSettings.NETWORK_ENV, "test")).url());
    }

    @Test
    void embeddedAndFileUrlsSelectTheLocalChain() {
        Path dir = Path.of("/tmp/ts-chain");
        ChainSettings byName = flags("embedded", null, dir, NO_ENV);
        assertTrue(byName.isEmbedded());
        assertEquals(dir, byName.embeddedDirectory());
        assertEquals("embedded chain in /tmp/ts-chain", byName.describe());

        ChainSettings byUrl = flags("finney", "file:///srv/chain", dir, NO_ENV);
        assertTrue(byUrl.isEmbedded());
        assertEquals(Path.of("/srv/chain"), byUrl.embeddedDirectory());
        assertThrows(ChainException.class, byUrl::url);
    }

    @Test
    void theLocalChainFolderComesFromTheFlagThenTheEnvironment() {
        Map<String, String> env = Map.of(ChainSettings.LOCAL_DIR_ENV, "/var/ts/chain");
        assertEquals(Path.of("/var/ts/chain"), flags("embedded", null, null, env).embeddedDirectory());
        assertEquals(Path.of("/x"), flags("embedded", null, Path.of("/x"), env).embeddedDirectory());
    }

    @Test
    void anUnknownNetworkNamesTheValidOnes() {
        ChainException e = assertThrows(ChainException.class, () -> flags("mainnet", null, null, NO_ENV).url());
        assertTrue(e.getMessage().contains("unknown --subtensor.network 'mainnet'"), e.getMessage());
    }

    @Test
    void connectingToAFolderWithoutAChainFailsWithoutCreatingOne(@org.junit.jupiter.api.io.TempDir Path tmp) {
        ChainException e = assertThrows(ChainException.class, () -> Chains.connect(ChainSettings.embedded(tmp)));
        assertTrue(e.getMessage().startsWith("no local chain in " + tmp), e.getMessage());
        assertFalse(tmp.resolve("state.json").toFile().exists());
    }
}
