package io.tensorswarm.chain.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.tensorswarm.chain.crypto.Sr25519KeyPair;
import java.util.concurrent.TimeUnit;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okhttp3.mockwebserver.MockResponse;
import okhttp3.mockwebserver.MockWebServer;
import okhttp3.mockwebserver.RecordedRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@link RequestSigner} as an OkHttp interceptor: what arrives on the wire verifies. */
class RequestSignerInterceptorTest {
    private static final Sr25519KeyPair DAVE = Sr25519KeyPair.fromUri("//Dave");

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void signsTheHostNetuidTargetAndBodyAsSentOnTheWire() throws Exception {
        try (MockWebServer server = new MockWebServer()) {
            server.enqueue(new MockResponse().setBody("{}"));
            server.enqueue(new MockResponse().setBody("{}"));
            OkHttpClient http = new OkHttpClient.Builder().addInterceptor(new RequestSigner(DAVE, 7)).build();
            String body = "{\"role\":\"miner\",\"status\":\"caf\u00e9\"}";
            Request post = new Request.Builder().url(server.url("/v1/heart beat?hotkey=a b&x=1"))
                    .post(RequestBody.create(body, MediaType.get("application/json"))).build();
            try (Response r = http.newCall(post).execute()) {
                assertEquals(200, r.code());
            }
            try (Response r = http.newCall(new Request.Builder().url(server.url("/v1/round")).build()).execute()) {
                assertEquals(200, r.code());
            }
            String host = server.getHostName().toLowerCase() + ":" + server.getPort();
            RequestVerifier verifier = RequestVerifier.builder().setNetuid(7).optHosts(java.util.List.of(host)).build();
            RecordedRequest first = server.takeRequest();
            assertEquals("/v1/heart%20beat?hotkey=a%20b&x=1", first.getPath());
            assertEquals(host, first.getHeader("Host"));
            assertEquals("7", first.getHeader(SignedRequest.NETUID_HEADER));
            assertEquals(DAVE.ss58Address(), verifier.verify(first.getMethod(), first.getHeader("Host"), first.getPath(),
                    first::getHeader, first.getBody().readByteArray()));
            RecordedRequest second = server.takeRequest();
            assertEquals(DAVE.ss58Address(), verifier.verify(second.getMethod(), second.getHeader("Host"),
                    second.getPath(), second::getHeader, second.getBody().readByteArray()));
        }
    }

    @Test
    @Timeout(value = 10, unit = TimeUnit.SECONDS)
    void theHostHeaderOmitsOnlyTheSchemesDefaultPort() {
        assertEquals("orch.example.com", SignedRequest.hostHeader("https", "Orch.Example.com", 443));
        assertEquals("orch.example.com:8484", SignedRequest.hostHeader("https", "orch.example.com", 8484));
        assertEquals("10.0.0.1", SignedRequest.hostHeader("http", "10.0.0.1", 80));
        assertEquals("[::1]:8484", SignedRequest.hostHeader("http", "::1", 8484));
    }
}
