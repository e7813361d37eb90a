package io.tensorswarm.chain.auth;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.tensorswarm.chain.crypto.Sr25519KeyPair;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * {@link OrchestratorClient} against a real HTTP server that checks every request with {@link
 * RequestVerifier}, as the orchestrator does.
 */
class OrchestratorClientTest {
    private static final Sr25519KeyPair DAVE = Sr25519KeyPair.fromUri("//Dave");
    private static final ObjectMapper JSON = new ObjectMapper();

    private static OrchestratorClient client(String url, Duration timeout) {
        return new OrchestratorClient(url, DAVE, 3, timeout, Clock.systemUTC());
    }

    @Test
    void aHeartbeatArrivesSignedByTheHotkeyWithExactlyTheStatsGiven() throws Exception {
        try (VerifyingHeartbeatServer server = new VerifyingHeartbeatServer(RequestVerifier.builder().setNetuid(3).build());
                OrchestratorClient client = new OrchestratorClient(server.url(), DAVE, 3)) {
            HeartbeatStats stats = new HeartbeatStats("miner", "0.1.0", 50L, 4.25, 1024.5, "r=3 published");
            OrchestratorClient.HeartbeatReceipt receipt = client.heartbeat(stats);

            assertEquals(new OrchestratorClient.HeartbeatReceipt(DAVE.ss58Address(), 1_700_000_000_123L, 1), receipt);
            assertEquals(1, server.accepted.size());
            assertEquals(DAVE.ss58Address(), server.accepted.get(0).hotkey());
            assertEquals(JSON.readTree("{\"role\":\"miner\",\"version\":\"0.1.0\",\"step\":50,\"loss\":4.25,"
                    + "\"tokensPerSecond\":1024.5,\"status\":\"r=3 published\"}"), server.accepted.get(0).body());
            assertEquals("/v1/heartbeat", server.received.get(0).target());
        }
    }

    @Test
    void aBaseUrlWithAPathPrefixAndNoTrailingSlashIsSignedForTheFullTarget() throws Exception {
        try (VerifyingHeartbeatServer server = new VerifyingHeartbeatServer(RequestVerifier.builder().setNetuid(3).build(), "/ts/subnet-3");
                OrchestratorClient client = client(server.url().replaceAll("/$", ""), Duration.ofSeconds(5))) {
            assertEquals(server.url(), client.baseUrl());
            client.heartbeat(HeartbeatStats.of("validator", null));
            assertEquals("/ts/subnet-3/v1/heartbeat", server.received.get(0).target());
            assertEquals(1, server.accepted.size());
        }
    }

    @Test
    void everyHeartbeatHasAFreshNonceAndAReplayedOneIsRefused() throws Exception {
        try (VerifyingHeartbeatServer server = new VerifyingHeartbeatServer(RequestVerifier.builder().setNetuid(3).build());
                OrchestratorClient client = client(server.url(), Duration.ofSeconds(5))) {
            client.heartbeat(HeartbeatStats.of("miner", "one"));
            client.heartbeat(HeartbeatStats.of("miner", "one"));
            VerifyingHeartbeatServer.Received first = server.received.get(0);
            VerifyingHeartbeatServer.Received second = server.received.get(1);
            assertEquals(200, first.status());
            assertEquals(200, second.status());
            assertNotEquals(first.headers().get(SignedRequest.NONCE_HEADER), second.headers().get(SignedRequest.NONCE_HEADER));

            // The first request, byte for byte with its signature headers, sent again: refused as a replay.
            HttpRequest.Builder again = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + first.target()))
                    .POST(HttpRequest.BodyPublishers.ofByteArray(first.body()));
            first.headers().forEach((name, value) -> {
                if (!name.equals("Host")) { // the JDK client sends the same Host itself
                    again.header(name, value);
                }
            });
            HttpResponse<String> replay = HttpClient.newHttpClient().send(again.build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(401, replay.statusCode());
            assertTrue(replay.body().contains("nonce already used"), replay.body());
            assertEquals(2, server.accepted.size(), "the replay recorded nothing");
        }
    }

    @Test
    void aSignatureForAnotherBodyDoesNotVerify() throws Exception {
        try (VerifyingHeartbeatServer server = new VerifyingHeartbeatServer(RequestVerifier.builder().setNetuid(3).build());
                OrchestratorClient client = client(server.url(), Duration.ofSeconds(5))) {
            client.heartbeat(HeartbeatStats.of("miner", "honest"));
            VerifyingHeartbeatServer.Received sent = server.received.get(0);
            byte[] tampered = new String(sent.body(), java.nio.charset.StandardCharsets.UTF_8)
                    .replace("honest", "forged").getBytes(java.nio.charset.StandardCharsets.UTF_8);
            RequestAuthException e = assertThrows(RequestAuthException.class, () -> RequestVerifier.builder().setNetuid(3).build()
                    .verify("POST", sent.headers().get("Host"), sent.target(), sent.headers()::get, tampered));
            assertEquals(AuthFailure.BAD_SIGNATURE, e.failure());
        }
    }

    @Test
    void aClockOutsideTheServersWindowGetsATypedStaleRefusal() throws Exception {
        Clock twoMinutesBehind = Clock.offset(Clock.systemUTC(), Duration.ofMinutes(-2));
        try (VerifyingHeartbeatServer server = new VerifyingHeartbeatServer(RequestVerifier.builder().setNetuid(3).build());
                OrchestratorClient client = new OrchestratorClient(server.url(), DAVE, 3, Duration.ofSeconds(5),
                        twoMinutesBehind)) {
            OrchestratorException e = assertThrows(OrchestratorException.class,
                    () -> client.heartbeat(HeartbeatStats.of("miner", null)));
            assertEquals(401, e.status());
            assertFalse(e.retryable());
            assertTrue(e.getMessage().contains("from the server's clock"), e.getMessage());
            assertEquals(0, server.accepted.size());
        }
    }

    @Test
    void errorAnswersBecomeOneLineTypedExceptionsWithTheServersReason() throws Exception {
        try (VerifyingHeartbeatServer server = new VerifyingHeartbeatServer(RequestVerifier.builder().setNetuid(3).build());
                OrchestratorClient client = client(server.url(), Duration.ofSeconds(5))) {
            server.forcedStatus = 403;
            OrchestratorException forbidden = assertThrows(OrchestratorException.class,
                    () -> client.heartbeat(HeartbeatStats.of("miner", null)));
            assertEquals(403, forbidden.status());
            assertFalse(forbidden.retryable());
            assertTrue(forbidden.getMessage().contains("forced 403 second line"), forbidden.getMessage());
            assertTrue(forbidden.getMessage().contains("netuid 3"), forbidden.getMessage());
            assertFalse(forbidden.getMessage().contains("\n"));

            server.forcedStatus = 503;
            OrchestratorException unavailable = assertThrows(OrchestratorException.class,
                    () -> client.heartbeat(HeartbeatStats.of("miner", null)));
            assertEquals(503, unavailable.status());
            assertTrue(unavailable.retryable());
        }
    }

    @Test
    void aClosedPortFailsAtOnceWithStatusZero() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        try (OrchestratorClient client = client("http://127.0.0.1:" + port + "/", Duration.ofSeconds(5))) {
            long start = System.nanoTime();
            OrchestratorException e = assertThrows(OrchestratorException.class,
                    () -> client.heartbeat(HeartbeatStats.of("miner", null)));
            long millis = (System.nanoTime() - start) / 1_000_000;
            assertEquals(0, e.status());
            assertTrue(e.retryable());
            assertTrue(millis < 5_000, "a refused connection fails before the timeout: " + millis + " ms");
        }
    }

    @Test
    void aServerThatNeverAnswersCostsTheTimeoutAndNoMore() throws Exception {
        // Accepts connections (in the backlog) but never reads or answers.
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
                OrchestratorClient client = client("http://127.0.0.1:" + silent.getLocalPort() + "/",
                        Duration.ofMillis(400))) {
            long start = System.nanoTime();
            OrchestratorException e = assertThrows(OrchestratorException.class,
                    () -> client.heartbeat(HeartbeatStats.of("miner", null)));
            long millis = (System.nanoTime() - start) / 1_000_000;
            assertEquals(0, e.status());
            assertTrue(millis >= 350 && millis < 1_400, "bounded by the 400 ms timeout: " + millis + " ms");
            assertTrue(e.getMessage().contains("time out after 400 ms"), e.getMessage());
        }
    }

    @Test
    void roundAndAssignmentReadTheDocumentedAnswers() throws Exception {
        try (VerifyingHeartbeatServer server = new VerifyingHeartbeatServer(RequestVerifier.builder().setNetuid(3).build());
                OrchestratorClient client = client(server.url(), Duration.ofSeconds(5))) {
            server.otherAnswer = "{\"round\":12,\"block\":1234,\"roundBlocks\":20,\"roundStartBlock\":1220,"
                    + "\"deadlineBlock\":1238,\"nextRoundStartBlock\":1240,\"baseRevision\":null,\"baseRound\":null,"
                    + "\"someFutureField\":1}";
            assertEquals(new OrchestratorClient.RoundInfo(12, 1234, 20, 1220, 1238, 1240, null, null), client.round());
            assertEquals("/v1/round", server.received.get(0).target());

            server.otherAnswer = "{\"round\":7,\"hotkey\":\"" + DAVE.ss58Address() + "\",\"datasetFingerprint\":\"ab\","
                    + "\"pageCount\":4096,\"pages\":[3,1,4]}";
            OrchestratorClient.Assignment a = client.assignment(7);
            assertEquals(7, a.round());
            assertEquals(4096, a.pageCount());
            assertArrayEquals(new long[] {3, 1, 4}, a.pages());
            assertEquals("/v1/assignment?hotkey=" + DAVE.ss58Address() + "&round=7", server.received.get(1).target());
            assertEquals(200, server.received.get(1).status(), "the query is part of the signed target");
        }
    }

    @Test
    void credentialsInTheUrlNeverReachItsErrorsOrLogs() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        try (OrchestratorClient client = client("http://op:hunter2@127.0.0.1:" + port + "/", Duration.ofSeconds(5))) {
            OrchestratorException e = assertThrows(OrchestratorException.class,
                    () -> client.heartbeat(HeartbeatStats.of("miner", null)));
            assertTrue(e.getMessage().startsWith("orchestrator http://***@127.0.0.1:" + port + "/"), e.getMessage());
            assertFalse(e.getMessage().contains("hunter2"), e.getMessage());
            assertEquals("http://***@127.0.0.1:" + port + "/", client.shownUrl());
        }
    }

    @Test
    void refusesUrlsItCannotSignFor() {
        assertThrows(IllegalArgumentException.class, () -> new OrchestratorClient("127.0.0.1:8484", DAVE, 1));
        assertThrows(IllegalArgumentException.class, () -> new OrchestratorClient("ftp://host/", DAVE, 1));
        assertThrows(IllegalArgumentException.class, () -> new OrchestratorClient("http://host/?a=1", DAVE, 1));
    }

    @Test
    void statsTheOrchestratorWouldRefuseAreMadeAcceptable() throws Exception {
        String longStatus = "x".repeat(300);
        HeartbeatStats stats = new HeartbeatStats("miner", "dev", -1L, Double.NaN, Double.POSITIVE_INFINITY,
                "line\none\t" + longStatus);
        assertNull(stats.step());
        assertNull(stats.loss());
        assertNull(stats.tokensPerSecond());
        assertEquals(HeartbeatStats.MAX_STATUS_CHARS, stats.status().length());
        assertTrue(stats.status().startsWith("line one x"), stats.status());
        assertEquals(JSON.readTree("{\"role\":\"miner\",\"version\":\"dev\",\"status\":\"" + stats.status() + "\"}"),
                JSON.readTree(stats.toJson()));
        assertNull(HeartbeatStats.of("validator", null).status());
        assertThrows(IllegalArgumentException.class, () -> HeartbeatStats.of("averager", null));
        assertThrows(IllegalArgumentException.class, () -> new HeartbeatStats("miner", "1 0", null, null, null, null));
    }
}
