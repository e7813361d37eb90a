package io.tensorswarm.storage.hf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.tensorswarm.storage.StorageException;
import io.tensorswarm.storage.StorageException.Kind;
import java.time.Duration;
import okhttp3.Protocol;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.Test;

class HfErrorsTest {
    private static Response response(int code, String... headers) {
        Response.Builder b = new Response.Builder().request(new Request.Builder().url("https://huggingface.co/api/models/a/b").build())
                .protocol(Protocol.HTTP_1_1).code(code).message("x");
        for (int i = 0; i < headers.length; i += 2) {
            b.addHeader(headers[i], headers[i + 1]);
        }
        return b.build();
    }

    @Test
    void exhaustedRateLimitWaitsUntilTheWindowResets() {
        assertEquals(Duration.ofSeconds(56), HfErrors.retryAfter(response(429, "RateLimit", "\"api\";r=0;t=55", "Retry-After", "2")));
    }

    @Test
    void otherwiseRetryAfterSecondsAreUsed() {
        assertEquals(Duration.ofSeconds(2), HfErrors.retryAfter(response(429, "RateLimit", "\"api\";r=10;t=55", "Retry-After", "2")));
        assertNull(HfErrors.retryAfter(response(429, "Retry-After", "Wed, 21 Oct 2015 07:28:00 GMT")));
    }

    @Test
    void errorCodeHeaderDecidesBeforeTheStatus() {
        StorageException gated = HfErrors.map("hf://a/b", response(403, "X-Error-Code", "GatedRepo"), "");
        assertEquals(Kind.ACCESS_DENIED, gated.kind());
        assertEquals("hf://a/b: gated repository; accept its conditions on the Hub with this token's account", gated.getMessage());
        assertEquals(Kind.NOT_FOUND, HfErrors.map("x", response(404, "X-Error-Code", "RevisionNotFound"), "").kind());
        assertEquals(Kind.UNAVAILABLE, HfErrors.map("x", response(502), "").kind());
        StorageException bad = HfErrors.map("x", response(400), "{\"error\":\"Invalid\\nmessage\"}");
        assertEquals(Kind.PROTOCOL, bad.kind());
    }
}
