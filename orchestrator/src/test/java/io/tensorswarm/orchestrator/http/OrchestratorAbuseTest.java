package io.tensorswarm.orchestrator.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tensorswarm.chain.ChainException;
import io.tensorswarm.chain.auth.RequestSigner;
import io.tensorswarm.chain.crypto.Sr25519KeyPair;
import io.tensorswarm.chain.local.LocalChain;
import io.tensorswarm.chain.local.LocalSubnetConfig;
import io.tensorswarm.chain.local.MockTime;
import io.tensorswarm.common.ops.DaemonMetrics;
import io.tensorswarm.common.ops.Health;
import io.tensorswarm.common.ops.OpsServer;
import io.tensorswarm.common.ops.http.HttpLimits;
import io.tensorswarm.common.ops.http.RawHttp;
import io.tensorswarm.common.ops.http.SlowLoris;
import io.tensorswarm.common.protocol.RoundClock;
import io.tensorswarm.orchestrator.dashboard.DashboardPage;
import io.tensorswarm.orchestrator.http.TestClient.Reply;
import io.tensorswarm.orchestrator.roster.Roster;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Adversary programs against the orchestrator's API, each followed by the honest call it must not
 * stop: a nonce flood of refused heartbeats, a registered miner past its nonce share, slow-header
 * connections against the API and the metrics port at once, requests replayed to another host or
 * subnet, hostile HTTP framing, and text meant to deceive on the dashboard. Honest calls come from
 * 127.0.0.1, adversaries from other loopback addresses where per-address limits would otherwise be
 * what stops them.
 */
class OrchestratorAbuseTest {
    private static final Sr25519KeyPair ALICE = Sr25519KeyPair.fromUri("//Alice");
    private static final Sr25519KeyPair BOB = Sr25519KeyPair.fromUri("//Bob");         // miner
    private static final Sr25519KeyPair CHARLIE = Sr25519KeyPair.fromUri("//Charlie"); // validator
    private static final String HEARTBEAT = "{\"role\":\"miner\",\"version\":\"0.1.0\",\"status\":\"training\"}";

    @TempDir
    Path dir;

    private final MockTime time = new MockTime(1_700_000_000_000L);
    private final List<AutoCloseable> open = new ArrayList<>();
    private LocalChain chain;
    private int netuid;

    @BeforeEach
    void chainWithAMinerAndAValidator() {
        chain = LocalChain.builder().setDirectory(dir.resolve("chain")).optTime(time).build();
        netuid = chain.createSubnet(LocalSubnetConfig.defaults().withMaxAllowedValidators(1));
        chain.burnedRegister(netuid, ALICE, BOB.ss58Address());
        chain.burnedRegister(netuid, ALICE, CHARLIE.ss58Address());
        chain.setStake(netuid, CHARLIE.ss58Address(), 1_000_000_000_000L);
        time.sleep(100 * LocalChain.DEFAULT_BLOCK_TIME.toMillis());
    }

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable c : open) {
            c.close();
        }
    }

    private OrchestratorServer start(HttpSettings settings, OrchestratorServer.Builder extra) {
        OrchestratorServer.Builder b = extra != null ? extra : OrchestratorServer.builder();
        OrchestratorServer s = b.setChain(chain).setNetuid(netuid).setRoundClock(new RoundClock(100, 10))
                .setRoster(Roster.inMemory(16, Clock.systemUTC())).optSettings(settings).build().start();
        open.add(s);
        return s;
    }

    private static HttpSettings settings(HttpLimits limits) {
        return HttpSettings.defaults().withAddress("127.0.0.1", 0).withStopGraceSeconds(0).withLimits(limits);
    }

    /** Limits loose enough that a flood from 127.0.0.1 is not stopped by the per-address rate. */
    private static HttpLimits unthrottled() {
        return HttpLimits.api().toBuilder().optRequestsPerSecondPerAddress(1_000_000).optBurstPerAddress(1_000_000).build();
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void aNonceFloodOfRefusedHeartbeatsLeavesTheNextHonestSignedCallsServed() {
        TestClient c = new TestClient(start(settings(unthrottled()), null).port());
        RequestSigner bob = new RequestSigner(BOB, netuid);
        for (int i = 0; i < 1500; i++) {
            assertEquals(400, c.signed(bob, "POST", "/v1/heartbeat", "x").status(), "a body that is not a heartbeat");
        }
        assertEquals(200, c.signed(new RequestSigner(CHARLIE, netuid), "GET", "/v1/roster", "").status(),
                "the validator is served");
        assertEquals(200, c.signed(bob, "POST", "/v1/heartbeat", HEARTBEAT).status(), "and so is the flooder itself");
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void aMinerPastItsNonceShareIsRateLimitedAloneAndOthersAreServed() {
        TestClient c = new TestClient(start(settings(unthrottled()), null).port());
        RequestSigner bob = new RequestSigner(BOB, netuid);
        int ok = 0;
        Reply last = null;
        for (int i = 0; i < 600 && (last == null || last.status() == 200); i++) {
            last = c.signed(bob, "POST", "/v1/heartbeat", HEARTBEAT);
            ok += last.status() == 200 ? 1 : 0;
        }
        assertEquals(512, ok, "a hotkey's share of nonces in the window");
        assertEquals(429, last.status());
        assertTrue(last.json().get("error").asText().contains("retry later"), last.json().toString());
        assertEquals(200, c.signed(new RequestSigner(CHARLIE, netuid), "GET", "/v1/roster", "").status());
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void slowHeaderConnectionsKeepNeitherTheApiNorTheMetricsPortFromAnswering() throws Exception {
        HttpLimits limits = HttpLimits.api().toBuilder().optHeaderTimeout(Duration.ofSeconds(3)).build();
        OrchestratorServer api = start(settings(limits), null);
        DaemonMetrics daemon = DaemonMetrics.forTests(new Health(Clock.systemUTC(), Duration.ofMinutes(5)));
        daemon.health().running();
        OpsServer ops = OpsServer.start("127.0.0.1", 0, daemon);
        open.add(ops);
        List<String> attackers = IntStream.rangeClosed(2, 9).mapToObj(i -> "127.0.0." + i).toList();
        try (SlowLoris onApi = new SlowLoris(api.port(), attackers, 25, "/v1/round", 250);
                SlowLoris onOps = new SlowLoris(ops.port(), attackers.subList(0, 5), 8, "/metrics", 250)) {
            assertEquals(200, onApi.size());
            for (int i = 0; i < 5; i++) {
                within(RawHttp.get("127.0.0.1", api.port(), "/v1/round", 1000), "/v1/round");
                within(RawHttp.get("127.0.0.1", ops.port(), "/metrics", 1000), "/metrics");
                within(RawHttp.get("127.0.0.1", ops.port(), "/health", 1000), "/health");
                Thread.sleep(200);
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
            while (onApi.closedByServer() < onApi.size() && System.nanoTime() < deadline) {
                Thread.sleep(250);
            }
            assertEquals(onApi.size(), onApi.closedByServer(), "unfinished heads are cut after the header timeout");
            within(RawHttp.get("127.0.0.1", api.port(), "/v1/round", 1000), "/v1/round");
        }
    }

    private static void within(RawHttp.Reply r, String what) {
        assertEquals(200, r.status(), what + ": " + r.text());
        assertTrue(r.millis() < 1000, what + " took " + r.millis() + " ms");
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void oneAddressHoldsAtMostItsShareOfConnections() throws Exception {
        OrchestratorServer api = start(settings(HttpLimits.api()), null);
        try (SlowLoris loris = new SlowLoris(api.port(), List.of("127.0.0.2"), 200, "/v1/round", 250)) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            int expected = 200 - HttpLimits.api().maxConnectionsPerAddress();
            while (loris.closedByServer() < expected && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            assertTrue(loris.closedByServer() >= expected, loris.closedByServer() + " of 200 closed");
            within(RawHttp.get("127.0.0.1", api.port(), "/v1/round", 1000), "/v1/round");
        }
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void aSignedRequestReplayedToAnotherOrchestratorOrSubnetIsRefused() throws Exception {
        OrchestratorServer here = start(settings(HttpLimits.api()), null);
        OrchestratorServer there = start(settings(HttpLimits.api()), null);
        byte[] body = HEARTBEAT.getBytes(StandardCharsets.UTF_8);
        RequestSigner bob = new RequestSigner(BOB, netuid);
        String hostHere = "127.0.0.1:" + here.port();
        Map<String, String> signed = bob.headers("POST", hostHere, "/v1/heartbeat", body);

        // the same bytes, Host included, sent to the other orchestrator: not one of its names
        RawHttp.Reply sameHost = RawHttp.send("127.0.0.1", there.port(), post(hostHere, signed, body), 2000);
        assertEquals(401, sameHost.status(), sameHost.text());
        assertTrue(sameHost.text().contains("not one of this server's names"), sameHost.text());
        // Host rewritten to the other orchestrator's: the signature named the first one
        RawHttp.Reply rewritten = RawHttp.send("127.0.0.1", there.port(),
                post("127.0.0.1:" + there.port(), signed, body), 2000);
        assertEquals(401, rewritten.status(), rewritten.text());
        assertTrue(rewritten.text().contains("signature does not verify"), rewritten.text());
        // where it was meant to go, it is accepted once
        assertEquals(200, RawHttp.send("127.0.0.1", here.port(), post(hostHere, signed, body), 2000).status());

        // signed for another subnet: refused before anything else
        Map<String, String> otherSubnet = new RequestSigner(BOB, netuid + 1).headers("POST", hostHere, "/v1/heartbeat", body);
        RawHttp.Reply wrongNetuid = RawHttp.send("127.0.0.1", here.port(), post(hostHere, otherSubnet, body), 2000);
        assertEquals(401, wrongNetuid.status());
        assertTrue(wrongNetuid.text().contains("signed for netuid " + (netuid + 1)), wrongNetuid.text());
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void aPublicHostBehindAProxyIsTheNameSignaturesMustCarry() throws Exception {
        OrchestratorServer proxied = start(settings(HttpLimits.api()).withPublicHosts(List.of("Orch.Example.com")), null);
        assertEquals(List.of("orch.example.com"), proxied.acceptedHosts());
        byte[] body = HEARTBEAT.getBytes(StandardCharsets.UTF_8);
        RequestSigner bob = new RequestSigner(BOB, netuid);
        Map<String, String> viaProxy = bob.headers("POST", "orch.example.com", "/v1/heartbeat", body);
        assertEquals(200, RawHttp.send("127.0.0.1", proxied.port(), post("orch.example.com", viaProxy, body), 2000).status());
        String direct = "127.0.0.1:" + proxied.port();
        Map<String, String> bypass = bob.headers("POST", direct, "/v1/heartbeat", body);
        assertEquals(401, RawHttp.send("127.0.0.1", proxied.port(), post(direct, bypass, body), 2000).status());
    }

    private static String post(String host, Map<String, String> headers, byte[] body) {
        StringBuilder r = new StringBuilder("POST /v1/heartbeat HTTP/1.1\r\nHost: " + host + "\r\n");
        headers.forEach((k, v) -> r.append(k).append(": ").append(v).append("\r\n"));
        r.append("Content-Type: application/json\r\nContent-Length: ").append(body.length)
                .append("\r\nConnection: close\r\n\r\n").append(new String(body, StandardCharsets.ISO_8859_1));
        return r.toString();
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void hostileFramingHeadersAndPathsAreRefused() throws Exception {
        int port = start(settings(HttpLimits.api()).withMaxBodyBytes(1024), null).port();
        String head = "POST /v1/heartbeat HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\n";
        assertEquals(400, RawHttp.send("127.0.0.1", port, head + "Content-Length: 5\r\nContent-Length: 6\r\n\r\nhello!",
                2000).status(), "duplicated Content-Length");
        assertEquals(400, RawHttp.send("127.0.0.1", port, head + "Content-Length: abc\r\n\r\n", 2000).status(),
                "Content-Length not a number");
        assertEquals(400, RawHttp.send("127.0.0.1", port, head
                + "Content-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 2000).status(), "smuggling");
        assertEquals(413, RawHttp.send("127.0.0.1", port, head + "Content-Length: 5000\r\n\r\n", 2000).status());
        String chunk = Integer.toHexString(3000) + "\r\n" + "x".repeat(3000) + "\r\n0\r\n\r\n";
        assertEquals(413, RawHttp.send("127.0.0.1", port, head + "Transfer-Encoding: chunked\r\n\r\n" + chunk, 2000)
                .status(), "a chunked body over the cap");
        StringBuilder many = new StringBuilder("GET /v1/round HTTP/1.1\r\nHost: 127.0.0.1\r\n");
        for (int i = 0; i < 100; i++) {
            many.append("X-H").append(i).append(": v\r\n");
        }
        assertEquals(431, RawHttp.send("127.0.0.1", port, many + "\r\n", 2000).status(), "100 headers");
        assertEquals(431, RawHttp.send("127.0.0.1", port, "GET /v1/round HTTP/1.1\r\nHost: x\r\nX-Big: "
                + "a".repeat(20_000) + "\r\n\r\n", 2000).status(), "oversized headers");
        for (String path : List.of("/v1/../v1/round", "/v1/%2e%2e/v1/round", "//v1/round", "/v1/round/..;/roster")) {
            int status = RawHttp.get("127.0.0.1", port, path, 2000).status();
            assertTrue(status == 400 || status == 404, path + " answered " + status);
        }
        within(RawHttp.get("127.0.0.1", port, "/v1/round", 1000), "/v1/round");
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void dashboardTextIsSanitisedAndThePageSendsPublicPageHeaders() throws Exception {
        OrchestratorServer.Builder b = OrchestratorServer.builder().optChainView(() -> {
            throw new ChainException("node says \u202Eexe.txt\u0007 and \u200Bhidden\u2066x\u2069");
        });
        TestClient c = new TestClient(start(settings(HttpLimits.api()), b).port());
        TestClient.Text view = c.text("/v1/dashboard");
        assertEquals(200, view.status());
        assertFalse(view.body().codePoints().anyMatch(cp -> cp == 0x202E || cp == 0x200B || cp == 0x2066 || cp == 7),
                view.body());
        assertFalse(view.body().contains("\\u202e") || view.body().contains("\\u0007"), view.body());
        assertTrue(view.body().contains("node says \uFFFDexe.txt\uFFFD and \uFFFDhidden\uFFFDx\uFFFD"), view.body());
        assertEquals(Optional.of("nosniff"), view.headers().firstValue("X-Content-Type-Options"));

        TestClient.Text page = c.text("/");
        String csp = page.headers().firstValue("Content-Security-Policy").orElse("");
        assertEquals(DashboardPage.contentSecurityPolicy(), csp);
        assertFalse(csp.contains("unsafe-inline"), csp);
        assertTrue(csp.contains("script-src 'sha256-") && csp.contains("default-src 'none'")
                && csp.contains("frame-ancestors 'none'"), csp);
        assertEquals(Optional.of("nosniff"), page.headers().firstValue("X-Content-Type-Options"));
        assertEquals(Optional.of("DENY"), page.headers().firstValue("X-Frame-Options"));
        assertEquals(Optional.of("no-referrer"), page.headers().firstValue("Referrer-Policy"));
        assertFalse(page.body().contains("style=\""), "inline style attributes would need 'unsafe-inline'");
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void aFloodFromOneAddressIsRateLimitedWhileOtherAddressesAreServed() throws Exception {
        HttpLimits limits = HttpLimits.api().toBuilder().optRequestsPerSecondPerAddress(20).optBurstPerAddress(20).build();
        int port = start(settings(limits), null).port();
        int limited = 0;
        for (int i = 0; i < 100; i++) {
            int status = RawHttp.get("127.0.0.5", port, "/v1/dashboard", 2000).status();
            limited += status == 429 ? 1 : 0;
        }
        assertTrue(limited >= 50, limited + " of 100 refused");
        within(RawHttp.get("127.0.0.1", port, "/v1/dashboard", 1000), "/v1/dashboard");
    }
}
