package io.tensorswarm.orchestrator;

import static io.tensorswarm.orchestrator.SubnetFixture.BOB;
import static io.tensorswarm.orchestrator.SubnetFixture.CHARLIE;
import static io.tensorswarm.orchestrator.SubnetFixture.DAVE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tensorswarm.chain.auth.RequestSigner;
import io.tensorswarm.chain.crypto.Sr25519KeyPair;
import io.tensorswarm.chain.local.LocalChain;
import io.tensorswarm.chain.model.Metagraph;
import io.tensorswarm.common.testing.ChildJvm;
import io.tensorswarm.common.testing.TestModels;
import io.tensorswarm.orchestrator.http.TestClient;
import io.tensorswarm.orchestrator.roster.Roster;
import io.tensorswarm.orchestrator.roster.RosterEntry;
import io.tensorswarm.orchestrator.http.TestClient.Reply;
import java.io.IOException;
import java.net.ConnectException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code orchestrator run} as a real process ({@link ChildJvm} running {@link Main}) hosting the
 * embedded chain: metrics and health on {@code --metrics.port}, derived assignments, SIGTERM within
 * the grace, and {@code kill -9} followed by a restart that finds the roster (less at most its last
 * second), the history and the chain intact.
 */
class OrchestratorProcessTest {
    private static final int NETUID = 2;
    private static final Duration START = Duration.ofSeconds(60);
    /** What the JVM exits with after running its shutdown hooks for SIGTERM (128 + 15). */
    private static final int SIGTERM_EXIT = 143;
    private static final Pattern API = Pattern.compile("Dashboard on http://127\\.0\\.0\\.1:(\\d+)/");
    private static final Pattern METRICS = Pattern.compile("metrics on http://127\\.0\\.0\\.1:(\\d+)/metrics");
    private static final String HEARTBEAT = "{\"role\":\"miner\",\"version\":\"0.1.0\",\"step\":7,\"status\":\"training\"}";
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir Path dir;
    private String revision;

    @BeforeEach
    void chainStoreAndData() throws Exception {
        try (LocalChain chain = SubnetFixture.chain(dir.resolve("chain"), null, Duration.ofMillis(500))) {
            SubnetFixture.subnet(chain, NETUID);
        }
        revision = SubnetFixture.publish(dir.resolve("store"), dir, 1);
        SubnetFixture.pointLatest(dir.resolve("store"), revision, 0);
        TestModels.writeEnglishSample(dir.resolve("data/english.txt"));
    }

    private ChildJvm start(String log) throws IOException {
        return ChildJvm.start(Main.class, List.of("run", "--netuid", Integer.toString(NETUID),
                "--local-chain.dir", dir.resolve("chain").toString(), "--state.dir", dir.resolve("state").toString(),
                "--base.location", dir.resolve("store").toUri().toString(), "--data", dir.resolve("data").toString(),
                "--token-cache", dir.resolve("tokens").toString(), "--dashboard.eval-pages", "0",
                "--round.blocks", "10", "--round.deadline-margin", "2", "--http.port", "0", "--metrics.port", "0",
                "--shutdown.grace", "PT10S"), Map.of(), dir.resolve(log));
    }

    private static int port(ChildJvm child, Pattern pattern) throws InterruptedException {
        long deadline = System.nanoTime() + START.toNanos();
        while (System.nanoTime() < deadline) {
            Matcher m = pattern.matcher(child.output());
            if (m.find()) {
                return Integer.parseInt(m.group(1));
            }
            if (!child.process().isAlive()) {
                break;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("no " + pattern + " in the output:\n" + child.output());
    }

    private static String httpText(int port, String path) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
        return r.statusCode() + "\n" + r.body();
    }

    private static void awaitTrue(String what, Duration timeout, ThrowingCheck check, ChildJvm child) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (check.ok()) {
                return;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("timed out waiting for " + what + "; output:\n" + child.output());
    }

    @FunctionalInterface
    private interface ThrowingCheck {
        boolean ok() throws Exception;
    }

    private boolean historyHasTheRevision() throws IOException {
        Path file = dir.resolve("state/history.json");
        return Files.exists(file) && Files.readString(file).contains(revision);
    }

    /**
     * One lifecycle, to start as few JVMs as possible: a first run serves metrics, health and derived
     * assignments and is killed with -9 while heartbeats pour in; a restart finds roster, history and
     * chain intact and stops on SIGTERM within the grace.
     */
    @Test
    void servesMetricsSurvivesKillMinus9AndStopsOnSigtermWithinTheGrace() throws Exception {
        AtomicInteger acked = new AtomicInteger();
        long ackedLongBeforeKill;
        long blockBefore;
        try (ChildJvm child = start("first.log")) {
            int api = port(child, API);
            int metrics = port(child, METRICS);
            TestClient client = new TestClient(api);

            // Assignments derived from --data and the base model, with the miners' default page count.
            awaitTrue("derived assignments", START,
                    () -> client.get("/v1/assignment?hotkey=" + BOB.ss58Address()).status() == 200, child);
            Reply assignment = client.get("/v1/assignment?hotkey=" + BOB.ss58Address() + "&round=3");
            assertEquals(32, assignment.json().get("pages").size(), "the miners' default --pages");

            // Refused requests are counted by kind.
            RequestSigner bob = new RequestSigner(BOB, NETUID);
            byte[] body = HEARTBEAT.getBytes(StandardCharsets.UTF_8);
            Map<String, String> once = bob.headers("POST", client.host(), "/v1/heartbeat", body);
            assertEquals(200, client.send("POST", "/v1/heartbeat", body, once).status());
            assertEquals(401, client.send("POST", "/v1/heartbeat", body, once).status(), "replayed");
            Map<String, String> forged = bob.headers("POST", client.host(), "/v1/heartbeat", "{}".getBytes(StandardCharsets.UTF_8));
            assertEquals(401, client.send("POST", "/v1/heartbeat", body, forged).status(), "signed another body");
            acked.incrementAndGet();

            awaitTrue("the revision in history.json", START, this::historyHasTheRevision, child);
            String scrape = httpText(metrics, "/metrics");
            assertTrue(scrape.startsWith("200\n"), scrape);
            assertEquals(1, MetricsText.value(scrape, "tensorswarm_errors_total{kind=\"replay_rejected\"}"), scrape);
            assertEquals(1, MetricsText.value(scrape, "tensorswarm_errors_total{kind=\"auth_rejected\"}"), scrape);
            assertEquals(1, MetricsText.value(scrape, "tensorswarm_heartbeats_total{role=\"miner\"}"), scrape);
            assertEquals(3, MetricsText.value(scrape, "tensorswarm_registered_neurons{role=\"miner\"}"), scrape);
            assertTrue(MetricsText.value(scrape, "tensorswarm_round") >= 0, scrape);
            assertTrue(scrape.contains("tensorswarm_info{daemon=\"orchestrator\""), scrape);
            String health = httpText(metrics, "/health");
            assertTrue(health.startsWith("200\n") && health.contains("\"status\":\"ok\""), health);
            assertTrue(child.output().contains("[orchestrator netuid=2]"), "log lines carry the identity:\n" + child.output());

            // kill -9 while two miners send heartbeats as fast as they can.
            blockBefore = client.get("/v1/round").json().get("block").asLong();
            AtomicBoolean running = new AtomicBoolean(true);
            List<Thread> senders = new ArrayList<>();
            for (Sr25519KeyPair key : List.of(BOB, DAVE)) {
                Thread t = new Thread(() -> {
                    RequestSigner signer = new RequestSigner(key, NETUID);
                    while (running.get()) {
                        try {
                            if (client.signed(signer, "POST", "/v1/heartbeat", HEARTBEAT).status() == 200) {
                                acked.incrementAndGet();
                            }
                        } catch (RuntimeException e) {
                            return; // the server died under us
                        }
                    }
                });
                t.start();
                senders.add(t);
            }
            awaitTrue("heartbeats flowing", START, () -> acked.get() >= 20, child);
            Thread.sleep(1500);
            ackedLongBeforeKill = acked.get(); // acknowledged more than a flush interval before the kill
            Thread.sleep(1500);
            child.sigkill();
            child.awaitExit(Duration.ofSeconds(10));
            running.set(false);
            for (Thread t : senders) {
                t.join(15_000);
            }
        }
        // The files are whole, and every heartbeat acknowledged more than a flush interval (1 s) before the
        // kill is in the roster (snapshot plus journal).
        long onDisk = 0;
        try (Roster roster = Roster.open(dir.resolve("state/roster.json"), Roster.DEFAULT_CAPACITY, Clock.systemUTC())) {
            for (RosterEntry e : roster.entries()) {
                onDisk += e.heartbeats();
            }
        }
        assertTrue(onDisk >= ackedLongBeforeKill, "heartbeats acknowledged over a second before the kill are on disk: "
                + onDisk + " < " + ackedLongBeforeKill);
        assertTrue(onDisk <= acked.get(), onDisk + " on disk, only " + acked.get() + " acknowledged");
        assertEquals(revision, JSON.readTree(dir.resolve("state/history.json").toFile()).get("revisions").get(0)
                .get("revision").asText());
        try (LocalChain chain = LocalChain.open(dir.resolve("chain"))) {
            Metagraph mg = chain.metagraph(NETUID);
            assertEquals(4, mg.neurons().size());
            assertEquals(1_000_000_000_000L, mg.byHotkey(CHARLIE.ss58Address()).orElseThrow().stakeRao());
            assertTrue(chain.currentBlock() >= blockBefore);
        }

        try (ChildJvm again = start("second.log")) {
            int api = port(again, API);
            TestClient client = new TestClient(api);
            assertTrue(client.get("/v1/round").json().get("block").asLong() >= blockBefore, "the chain went on");
            Reply list = client.signed(new RequestSigner(CHARLIE, NETUID), "GET", "/v1/roster", "");
            assertEquals(200, list.status(), list.json().toString());
            assertEquals(2, list.json().get("entries").size());
            long served = 0;
            for (JsonNode e : list.json().get("entries")) {
                served += e.get("heartbeats").asLong();
            }
            assertEquals(onDisk, served, "the restarted orchestrator serves the roster it wrote");
            assertEquals(revision, client.get("/v1/dashboard").json().get("revisions").get(0).get("revision").asText());
            assertEquals(200, client.signed(new RequestSigner(BOB, NETUID), "POST", "/v1/heartbeat", HEARTBEAT).status());

            long sent = System.nanoTime();
            again.sigterm();
            assertEquals(SIGTERM_EXIT, again.awaitExit(Duration.ofSeconds(15)));
            long tookMs = (System.nanoTime() - sent) / 1_000_000;
            assertTrue(tookMs < 10_000, "stopped in " + tookMs + " ms, beyond the grace");
            String out = again.output();
            assertTrue(out.contains("Orchestrator API stopped"), out);
            assertTrue(out.contains("stopped cleanly"), out);
            assertThrows(ConnectException.class, () -> new Socket("127.0.0.1", api).close(), "the API is closed");
        }
        JsonNode after = JSON.readTree(dir.resolve("state/roster.json").toFile());
        long total = 0;
        for (JsonNode e : after.get("entries")) {
            total += e.get("heartbeats").asLong();
        }
        assertEquals(onDisk + 1, total, "the heartbeat of the second run is on disk after SIGTERM");
        assertEquals(revision, JSON.readTree(dir.resolve("state/history.json").toFile()).get("revisions").get(0)
                .get("revision").asText());
    }
}
