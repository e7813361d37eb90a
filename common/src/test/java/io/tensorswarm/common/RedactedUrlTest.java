package io.tensorswarm.common;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class RedactedUrlTest {
    @Test
    void userAndPasswordAreHidden() {
        assertEquals("wss://***@rpc.example.org:443/ws", RedactedUrl.of("wss://alice:s3cret@rpc.example.org:443/ws"));
        assertEquals("https://***@orch.example/v1", RedactedUrl.of("https://tokenonly@orch.example/v1"));
    }

    @Test
    void secretQueryValuesAreHiddenAndOthersKept() {
        assertEquals("https://h/x?netuid=3&api_key=***&token=***#f",
                RedactedUrl.of("https://h/x?netuid=3&api_key=abc&token=xyz#f"));
    }

    @Test
    void urlsWithoutCredentialsAreUnchanged() {
        for (String u : new String[] {"ws://127.0.0.1:9944", "wss://entrypoint-finney.opentensor.ai:443",
                "http://host/path@not-userinfo", "embedded"}) {
            assertEquals(u, RedactedUrl.of(u));
        }
    }
}
