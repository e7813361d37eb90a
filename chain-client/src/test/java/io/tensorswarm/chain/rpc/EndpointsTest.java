package io.tensorswarm.chain.rpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.tensorswarm.chain.ChainException;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EndpointsTest {
    private static final Map<String, String> NO_ENV = Map.of();

    @Test
    void networkNamesMapToTheSdkUrls() {
        assertEquals("wss://entrypoint-finney.opentensor.ai:443", Endpoints.resolve("finney", null, NO_ENV));
        assertEquals("wss://test.finney.opentensor.ai:443", Endpoints.resolve("test", "", NO_ENV));
        assertEquals("ws://127.0.0.1:9944", Endpoints.resolve("local", null, NO_ENV));
        assertEquals("wss://entrypoint-finney.opentensor.ai:443", Endpoints.resolve(null, null, NO_ENV));
    }

    @Test
    void explicitEndpointWinsOverTheNetwork() {
        assertEquals("ws://10.0.0.5:9944", Endpoints.resolve("finney", "ws://10.0.0.5:9944", NO_ENV));
        assertEquals("ws://10.0.0.5:9944", Endpoints.resolve("test", "10.0.0.5:9944", NO_ENV));
        assertEquals("wss://node.example:443", Endpoints.resolve(null, "node.example:443", NO_ENV));
    }

    @Test
    void localHonoursTheSdkEnvironmentVariable() {
        assertEquals("ws://192.168.1.2:9946",
                Endpoints.resolve("local", null, Map.of("BT_SUBTENSOR_CHAIN_ENDPOINT", "ws://192.168.1.2:9946")));
    }

    @Test
    void unknownNetworkNamesTheChoices() {
        ChainException e = assertThrows(ChainException.class, () -> Endpoints.resolve("mainnet", null, NO_ENV));
        assertEquals("unknown --subtensor.network 'mainnet': use finney, test, archive, local or latent-lite, "
                + "or give --subtensor.chain_endpoint", e.getMessage());
    }
}
