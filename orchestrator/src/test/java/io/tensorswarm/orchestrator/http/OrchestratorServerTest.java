package io.tensorswarm.orchestrator.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.tensorswarm.chain.auth.RequestSigner;
import io.tensorswarm.chain.auth.SignedRequest;
import io.tensorswarm.chain.crypto.Sr25519KeyPair;
import io.tensorswarm.chain.local.LocalChain;
import io.tensorswarm.chain.local.LocalSubnetConfig;
import io.tensorswarm.chain.local.MockTime;
import io.tensorswarm.common.data.PageSampler;
import io.tensorswarm.common.protocol.LatestPointer;
import io.tensorswarm.common.protocol.RoundClock;
import io.tensorswarm.orchestrator.http.TestClient.Reply;
import io.tensorswarm.orchestrator.roster.Roster;
import io.tensorswarm.orchestrator.round.SampledAssignments;
import io.tensorswarm.orchestrator.round.StoreBaseRevisionSource;
import io.tensorswarm.storage.ObjectStore;
import io.tensorswarm.storage.ObjectStores;
import io.tensorswarm.storage.StorageOptions;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The orchestrator API against a real server on an ephemeral port and a local chain. */
class OrchestratorServerTest {
    private static final Sr25519KeyPair ALICE = Sr25519KeyPair.fromUri("//Alice");
    private static final Sr25519KeyPair BOB = Sr25519KeyPair.fromUri("//Bob");         // miner
    private static final Sr25519KeyPair CHARLIE = Sr25519KeyPair.fromUri("//Charlie"); // validator
    private static final Sr25519KeyPair DAVE = Sr25519KeyPair.fromUri("//Dave");       // not registered
    private static final String FINGERPRINT = "ab".repeat(32);
    private static final String REVISION = "cd".repeat(32);
    private static final String HEARTBEAT = "{\"role\":\"miner\",\"version\":\"0.1.0\",\"step\":120,\"loss\":3.5,"
            + "\"tokensPerSecond\":5120.5,\"status\":\"training round 12\"}";

    @TempDir
    Path dir;

    private final MockTime time = new MockTime(1_700_000_000_000L);
    private final List<OrchestratorServer> servers = new ArrayList<>();
    private ObjectStore store;
    private LocalChain chain;
    private int netuid;

    @BeforeEach
    void chainWithAMinerAndAValidator() throws Exception {
        chain = LocalChain.builder().setDirectory(dir.resolve("chain")).optTime(time).build();
        netuid = chain.createSubnet(LocalSubnetConfig.defaults().withMaxAllowedValidators(1));
        chain.burnedRegister(netuid, ALICE, BOB.ss58Address());
        chain.burnedRegister(netuid, ALICE, CHARLIE.ss58Address());
        chain.setStake(netuid, CHARLIE.ss58Address(), 1_000_000_000_000L);
        time.sleep(1234 * LocalChain.DEFAULT_BLOCK_TIME.toMillis());
        Files.createDirectories(dir.resolve("store"));
        Files.write(dir.resolve("store/latest"), new LatestPointer(REVISION, 11).toJson());
        store = ObjectStores.open(dir.resolve("store").toUri().toString(), StorageOptions.defaults());
    }

    @AfterEach
    void stopServers() {
        servers.forEach(OrchestratorServer::close);
        store.close();
    }

    private OrchestratorServer start(HttpSettings settings, boolean withAssignments) {
        OrchestratorServer.Builder b = OrchestratorServer.builder().setChain(chain).setNetuid(netuid)
                .setRoundClock(new RoundClock(100, 10))
                .setRoster(Roster.open(dir.resolve("state/roster.json"), 16, Clock.systemUTC()))
                .optBaseRevisions(new StoreBaseRevisionSource(store, Duration.ZERO, Clock.systemUTC()))
                .optSettings(settings);
        if (withAssignments) {
            b.optAssignments(new SampledAssignments(FINGERPRINT, 1000, 4));
        }
        OrchestratorServer s = b.build().start();
        servers.add(s);
        return s;
    }

    private TestClient client() {
        return new TestClient(start(HttpSettings.defaults().withAddress("127.0.0.1", 0).withStopGraceSeconds(0), true).port());
    }

    @Test
    void roundReportsTheBlockRoundDeadlineAndBaseRevision() {
        JsonNode r = client().get("/v1/round").json();
        assertEquals(12, r.get("round").asLong());
        assertEquals(1234, r.get("block").asLong());
        assertEquals(1200, r.get("roundStartBlock").asLong());
        assertEquals(1290, r.get("deadlineBlock").asLong());
        assertEquals(1300, r.get("nextRoundStartBlock").asLong());
        assertEquals(REVISION, r.get("baseRevision").asText());
        assertEquals(11, r.get("baseRound").asLong());
    }

    @Test
    void assignmentListsThePagesSampledForTheHotkeyAndRound() {
        TestClient c = client();
        Reply current = c.get("/v1/assignment?hotkey=" + BOB.ss58Address());
        assertEquals(200, current.status());
        assertEquals(12, current.json().get("round").asLong());
        long[] expected = PageSampler.sample(PageSampler.assignedSeed(12, BOB.ss58Address(), FINGERPRINT), 1000, 4);
        assertEquals(expected.length, current.json().get("pages").size());
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], current.json().get("pages").get(i).asLong());
        }
        Reply other = c.get("/v1/assignment?hotkey=" + BOB.ss58Address() + "&round=3");
        assertEquals(3, other.json().get("round").asLong());
        assertEquals(PageSampler.sample(PageSampler.assignedSeed(3, BOB.ss58Address(), FINGERPRINT), 1000, 4)[0],
                other.json().get("pages").get(0).asLong());
        assertEquals(400, c.get("/v1/assignment").status());
        assertEquals(400, c.get("/v1/assignment?hotkey=5NotAnAddress").status());
        assertEquals(400, c.get("/v1/assignment?hotkey=" + BOB.ss58Address() + "&round=-1").status());
    }

    @Test
    void assignmentAnswers503WithoutADataset() {
        int port = start(HttpSettings.defaults().withAddress("127.0.0.1", 0).withStopGraceSeconds(0), false).port();
        Reply r = new TestClient(port).get("/v1/assignment?hotkey=" + BOB.ss58Address());
        assertEquals(503, r.status());
        assertTrue(r.json().get("error").asText().startsWith("no dataset is configured"));
    }

    @Test
    void registeredHotkeyHeartbeatIsStoredAndListedToValidators() {
        TestClient c = client();
        Reply hb = c.signed(new RequestSigner(BOB, netuid), "POST", "/v1/heartbeat", HEARTBEAT);
        assertEquals(200, hb.status(), hb.json().toString());
        assertEquals(BOB.ss58Address(), hb.json().get("hotkey").asText());
        assertEquals(1, hb.json().get("heartbeats").asLong());

        Reply roster = c.signed(new RequestSigner(CHARLIE, netuid), "GET", "/v1/roster", "");
        assertEquals(200, roster.status(), roster.json().toString());
        JsonNode entries = roster.json().get("entries");
        assertEquals(1, entries.size());
        JsonNode bob = entries.get(0);
        assertEquals(BOB.ss58Address(), bob.get("hotkey").asText());
        assertEquals(0, bob.get("uid").asInt());
        assertEquals("miner", bob.get("heartbeat").get("role").asText());
        assertEquals(120, bob.get("heartbeat").get("step").asLong());
        assertEquals(3.5, bob.get("heartbeat").get("loss").asDouble());
        assertEquals("training round 12", bob.get("heartbeat").get("status").asText());
        assertEquals(netuid, roster.json().get("netuid").asInt());
    }

    @Test
    void rosterIsForbiddenToMinersAndUnregisteredHotkeys() {
        TestClient c = client();
        Reply miner = c.signed(new RequestSigner(BOB, netuid), "GET", "/v1/roster", "");
        assertEquals(403, miner.status());
        assertEquals("hotkey " + BOB.ss58Address() + " has no validator permit on netuid " + netuid,
                miner.json().get("error").asText());
        assertEquals(403, c.signed(new RequestSigner(DAVE, netuid), "GET", "/v1/roster", "").status());
        assertEquals(401, c.get("/v1/roster").status());
    }

    @Test
    void heartbeatRefusesUnregisteredUnsignedTamperedReplayedAndStaleRequests() {
        TestClient c = client();
        Reply unregistered = c.signed(new RequestSigner(DAVE, netuid), "POST", "/v1/heartbeat", HEARTBEAT);
        assertEquals(403, unregistered.status());
        assertEquals("hotkey " + DAVE.ss58Address() + " is not registered on netuid " + netuid,
                unregistered.json().get("error").asText());

        byte[] body = HEARTBEAT.getBytes(StandardCharsets.UTF_8);
        assertEquals(401, c.send("POST", "/v1/heartbeat", body, Map.of()).status());

        RequestSigner bob = new RequestSigner(BOB, netuid);
        Map<String, String> forOtherBody = bob.headers("POST", c.host(), "/v1/heartbeat", "{}".getBytes(StandardCharsets.UTF_8));
        assertEquals(401, c.send("POST", "/v1/heartbeat", body, forOtherBody).status());
        Map<String, String> forOtherPath = bob.headers("POST", c.host(), "/v1/heartbeat?x=1", body);
        assertEquals(401, c.send("POST", "/v1/heartbeat", body, forOtherPath).status());
        Map<String, String> shifted = new HashMap<>(bob.headers("POST", c.host(), "/v1/heartbeat", body));
        shifted.put(SignedRequest.TIMESTAMP_HEADER, Long.toString(Long.parseLong(shifted.get(SignedRequest.TIMESTAMP_HEADER)) - 1));
        assertEquals(401, c.send("POST", "/v1/heartbeat", body, shifted).status());

        Map<String, String> once = bob.headers("POST", c.host(), "/v1/heartbeat", body);
        assertEquals(200, c.send("POST", "/v1/heartbeat", body, once).status());
        Reply replay = c.send("POST", "/v1/heartbeat", body, once);
        assertEquals(401, replay.status());
        assertEquals("nonce already used by hotkey " + BOB.ss58Address(), replay.json().get("error").asText());

        RequestSigner late = new RequestSigner(BOB, netuid, Clock.offset(Clock.systemUTC(), Duration.ofSeconds(-120)));
        Reply stale = c.signed(late, "POST", "/v1/heartbeat", HEARTBEAT);
        assertEquals(401, stale.status());
        assertTrue(stale.json().get("error").asText().startsWith("request timestamp "), stale.json().toString());
    }

    @Test
    void heartbeatRefusesBadContentWith400() {
        TestClient c = client();
        RequestSigner bob = new RequestSigner(BOB, netuid);
        assertEquals("heartbeat role must be \"miner\" or \"validator\"",
                c.signed(bob, "POST", "/v1/heartbeat", "{\"role\":\"boss\",\"version\":\"1\"}").json().get("error").asText());
        assertEquals(400, c.signed(bob, "POST", "/v1/heartbeat", "{\"role\":\"miner\",\"version\":\"1\",\"x\":1}").status());
        assertEquals(400, c.signed(bob, "POST", "/v1/heartbeat", "not json").status());
        assertEquals(400, c.signed(bob, "POST", "/v1/heartbeat", "").status());
        assertEquals(400, c.signed(bob, "POST", "/v1/heartbeat",
                "{\"role\":\"miner\",\"version\":\"1\",\"role\":\"validator\"}").status());
        assertEquals(400, c.signed(bob, "POST", "/v1/heartbeat",
                "{\"role\":\"miner\",\"version\":\"1\",\"status\":\"" + "x".repeat(257) + "\"}").status());
    }

    @Test
    void bodiesOverTheCapGet413() {
        int port = start(HttpSettings.defaults().withAddress("127.0.0.1", 0).withStopGraceSeconds(0).withMaxBodyBytes(1024), true).port();
        TestClient c = new TestClient(port);
        String big = "{\"role\":\"miner\",\"version\":\"1\",\"status\":\"" + "x".repeat(2000) + "\"}";
        Reply r = c.signed(new RequestSigner(BOB, netuid), "POST", "/v1/heartbeat", big);
        assertEquals(413, r.status());
        assertEquals("request body is larger than 1024 bytes", r.json().get("error").asText());
        assertEquals(200, c.signed(new RequestSigner(BOB, netuid), "POST", "/v1/heartbeat", HEARTBEAT).status());
    }

    @Test
    void unknownPathsAndWrongMethodsGet404And405AndHealthIsOk() {
        TestClient c = client();
        assertEquals(404, c.get("/v2/nothing").status());
        assertEquals(404, c.get("/v1/roundabout").status());
        assertEquals(405, c.send("POST", "/v1/round", new byte[0], Map.of()).status());
        Reply health = c.get("/healthz");
        assertEquals(200, health.status());
        assertEquals("ok", health.json().get("status").asText());
        assertEquals(1234, health.json().get("block").asLong());
    }

    @Test
    void rosterSurvivesAServerRestart() {
        HttpSettings settings = HttpSettings.defaults().withAddress("127.0.0.1", 0).withStopGraceSeconds(0);
        OrchestratorServer first = start(settings, true);
        Reply hb = new TestClient(first.port()).signed(new RequestSigner(BOB, netuid), "POST", "/v1/heartbeat", HEARTBEAT);
        assertEquals(200, hb.status());
        first.close();

        OrchestratorServer second = start(settings, true);
        Reply roster = new TestClient(second.port()).signed(new RequestSigner(CHARLIE, netuid), "GET", "/v1/roster", "");
        assertEquals(200, roster.status());
        assertEquals(BOB.ss58Address(), roster.json().get("entries").get(0).get("hotkey").asText());
        assertEquals(hb.json().get("lastSeenMillis").asLong(), roster.json().get("entries").get(0).get("lastSeenMillis").asLong());
    }
}
