package io.tensorswarm.orchestrator.dashboard;

import static io.tensorswarm.orchestrator.SubnetFixture.BOB;
import static io.tensorswarm.orchestrator.SubnetFixture.CHARLIE;
import static io.tensorswarm.orchestrator.SubnetFixture.DAVE;
import static io.tensorswarm.orchestrator.SubnetFixture.EVE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import com.fasterxml.jackson.databind.JsonNode;
import io.tensorswarm.chain.crypto.Sr25519KeyPair;
import io.tensorswarm.chain.local.LocalChain;
import io.tensorswarm.chain.local.MockTime;
import io.tensorswarm.common.protocol.RoundClock;
import io.tensorswarm.common.testing.TestModels;
import io.tensorswarm.orchestrator.SubnetFixture;
import io.tensorswarm.orchestrator.history.History;
import io.tensorswarm.orchestrator.http.HttpSettings;
import io.tensorswarm.orchestrator.http.OrchestratorServer;
import io.tensorswarm.orchestrator.http.TestClient;
import io.tensorswarm.orchestrator.ops.OrchestratorMetrics;
import io.tensorswarm.orchestrator.roster.Heartbeat;
import io.tensorswarm.orchestrator.roster.Roster;
import io.tensorswarm.orchestrator.round.BaseRevisionSource;
import io.tensorswarm.orchestrator.round.DatasetAssignments;
import io.tensorswarm.orchestrator.round.RoundTracker;
import io.tensorswarm.orchestrator.round.StoreBaseRevisionSource;
import io.tensorswarm.orchestrator.watch.BaseLossProbe;
import io.tensorswarm.orchestrator.watch.BaseModels;
import io.tensorswarm.orchestrator.watch.DatasetPages;
import io.tensorswarm.orchestrator.watch.SubnetWatcher;
import io.tensorswarm.storage.ObjectStore;
import io.tensorswarm.storage.ObjectStores;
import io.tensorswarm.storage.StorageOptions;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dashboard with real data (an embedded chain with three miners and a validator setting weights,
 * four base revisions whose loss the orchestrator measured, a validator's round reports, heartbeats),
 * checked as JSON and rendered by headless Chromium: the screenshot must show each plot drawn with
 * data in its plot colours, and the DOM must list the miners.
 */
class DashboardTest {
    private static final int NETUID = 2;
    private static final int ROUNDS = 4;
    /** Plot colours the page uses (dashboard.html COLORS and PALETTE). */
    private static final int LOSS = 0xd62728;
    private static final int VALIDATOR_LOSS = 0xff7f0e;
    private static final int PROGRESS = 0x1f77b4;
    private static final int COMMITTED = 0x2ca02c;
    private static final int MISSED = 0xf4c7c3;
    /** Neurons get PALETTE[i] by uid: Bob 0, Dave 1, Eve 2. */
    private static final Map<Sr25519KeyPair, Integer> MINER_COLORS = Map.of(BOB, 0x2ca02c, DAVE, 0x9467bd, EVE, 0x17becf);

    @TempDir static Path dir;

    private static final MockTime time = new MockTime(1_700_000_000_000L);
    private static LocalChain chain;
    private static ObjectStore objects;
    private static OrchestratorServer server;
    private static OrchestratorServer emptyServer;
    private static History history;

    @BeforeAll
    static void subnetWithFourRoundsOfHistory() throws Exception {
        chain = SubnetFixture.chain(dir.resolve("chain"), time, Duration.ofSeconds(1));
        SubnetFixture.subnet(chain, NETUID);
        Path store = dir.resolve("store");
        Files.createDirectories(store);
        objects = ObjectStores.open(store.toUri().toString(), StorageOptions.defaults());
        Path sample = TestModels.writeEnglishSample(dir.resolve("data/english.txt"));
        history = History.open(dir.resolve("state/history.json"), Clock.systemUTC());
        DatasetAssignments assignments = new DatasetAssignments(4, "waiting");
        BaseRevisionSource base = new StoreBaseRevisionSource(objects, Duration.ZERO, Clock.systemUTC());
        RoundClock clock = new RoundClock(10, 2);
        OrchestratorMetrics metrics = OrchestratorMetrics.unexported();
        SubnetWatcher watcher = SubnetWatcher.builder().setChain(chain).setNetuid(NETUID)
                .setRounds(new RoundTracker(chain, clock, base)).setHistory(history).setMetrics(metrics)
                .optBaseModels(new BaseModels(objects, dir.resolve("state/models"), 1L << 30))
                .optDataset(new DatasetPages(sample.toString(), null, "text", dir.resolve("tokens")), assignments)
                .optLossProbe(new BaseLossProbe(4, Device.cpu())).build();
        int[][] weights = {{30000, 20000, 10000}, {30000, 25000, 15000}, {40000, 20000, 20000}, {45000, 25000, 20000}};
        Path reports = dir.resolve("validator/rounds");
        Files.createDirectories(reports);
        for (int r = 1; r <= ROUNDS; r++) {
            toBlock(10L * r);
            SubnetFixture.pointLatest(store, SubnetFixture.publish(store, dir, r), r);
            SubnetFixture.commit(chain, NETUID, BOB, r);
            if (r != 3) {
                SubnetFixture.commit(chain, NETUID, DAVE, r);
            }
            if (r == 2 || r == 3) {
                SubnetFixture.commit(chain, NETUID, EVE, r);
            }
            SubnetFixture.setWeights(chain, NETUID, weights[r - 1]);
            toBlock(10L * r + 6);
            watcher.tick();
            Files.writeString(reports.resolve(r + ".json"), validatorReport(r));
        }
        watcher.close();
        Roster roster = Roster.open(dir.resolve("state/roster.json"), 16, Clock.systemUTC());
        roster.record(BOB.ss58Address(), new Heartbeat("miner", "0.1.0", 50L, 3.2, 900.0, "training"));
        roster.record(DAVE.ss58Address(), new Heartbeat("miner", "0.1.0", 10L, 3.9, 800.0, "training"));
        HttpSettings http = HttpSettings.defaults().withAddress("127.0.0.1", 0).withStopGraceSeconds(0);
        server = OrchestratorServer.builder().setChain(chain).setNetuid(NETUID).setRoundClock(clock).setRoster(roster)
                .optBaseRevisions(base).optAssignments(assignments).optSettings(http).optHistory(history)
                .optChainView(watcher::snapshot).optValidatorReports(new ValidatorReports(dir.resolve("validator")))
                .build().start();
        emptyServer = OrchestratorServer.builder().setChain(chain).setNetuid(NETUID).setRoundClock(clock)
                .setRoster(Roster.inMemory(4, Clock.systemUTC())).optSettings(http).build().start();
    }

    private static void toBlock(long block) {
        time.sleep((block - chain.currentBlock()) * 1000);
    }

    private static String validatorReport(int r) {
        StringBuilder miners = new StringBuilder();
        List<Sr25519KeyPair> keys = SubnetFixture.MINERS;
        for (int i = 0; i < keys.size(); i++) {
            double score = 0.02 * (3 - i) + 0.005 * r;
            miners.append(i == 0 ? "" : ",").append(String.format(Locale.ROOT,
                    "{\"hotkey\":\"%s\",\"uid\":%d,\"commit_block\":%d,\"improvement\":%.4f,\"score\":%.4f,"
                            + "\"smoothed_score\":%.4f,\"weight\":%.4f,\"reason\":null,\"anomalous\":false}",
                    keys.get(i).ss58Address(), i, 10 * r + 1, score, score, score * 0.9, (3 - i) / 6.0));
        }
        return String.format(Locale.ROOT, "{\"round\":%d,\"base_revision\":\"%s\",\"base_loss\":%.4f,\"eval_pages\":8,"
                + "\"weights\":\"set\",\"miners\":[%s]}", r, "ab".repeat(32), 5.6 - 0.05 * r, miners);
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
        if (emptyServer != null) {
            emptyServer.close();
        }
        if (objects != null) {
            objects.close();
        }
    }

    @Test
    void dashboardJsonCombinesRevisionsLossRoundsMinersAndTheValidatorsScores() {
        JsonNode d = new TestClient(server.port()).get("/v1/dashboard").json();
        assertEquals(NETUID, d.get("netuid").asInt());
        assertEquals(ROUNDS, d.get("round").get("round").asLong());
        assertEquals(ROUNDS, d.get("revisions").size());
        for (JsonNode rev : d.get("revisions")) {
            assertTrue(rev.get("loss").asDouble() > 4 && rev.get("loss").asDouble() < 7, rev.toString());
        }
        assertEquals(ROUNDS, d.get("rounds").size());
        JsonNode last = d.get("rounds").get(ROUNDS - 1);
        assertEquals(List.of(BOB.ss58Address(), DAVE.ss58Address()).stream().sorted().toList(),
                List.of(last.get("committed").get(0).asText(), last.get("committed").get(1).asText()));
        assertEquals(4, d.get("miners").size());
        JsonNode bob = d.get("miners").get(0);
        assertEquals(BOB.ss58Address(), bob.get("hotkey").asText());
        assertEquals(ROUNDS, bob.get("commitRound").asLong());
        assertTrue(bob.get("incentive").asDouble() > 0.4, bob.toString());
        assertTrue(bob.get("lastHeartbeatMillis").isNumber(), "a heartbeat time, nothing else of the roster");
        assertTrue(bob.get("heartbeat") == null && bob.get("status") == null);
        assertTrue(d.get("miners").get(2).get("lastHeartbeatMillis").isNull(), "Eve never sent one");
        assertTrue(d.get("miners").get(3).get("validatorPermit").asBoolean());
        assertEquals(CHARLIE.ss58Address(), d.get("miners").get(3).get("hotkey").asText());
        assertEquals(ROUNDS, d.get("validatorRounds").size());
        assertEquals(5.6 - 0.05 * ROUNDS, d.get("validatorRounds").get(ROUNDS - 1).get("baseLoss").asDouble(), 1e-9);
        assertNotNull(d.get("dataset").get("fingerprint"));
        assertEquals(0, d.get("problems").size(), d.get("problems").toString());
    }

    @Test
    void pageIsSelfContainedAndServedAtRootAndDashboard() {
        TestClient c = new TestClient(server.port());
        TestClient.Text root = c.text("/");
        assertEquals(200, root.status());
        assertTrue(root.contentType().startsWith("text/html"), root.contentType());
        assertTrue(root.headers().firstValue("Content-Security-Policy").orElse("").contains("default-src 'none'"));
        assertTrue(root.body().contains("/v1/dashboard"));
        String page = root.body().replace("http://www.w3.org/2000/svg", "");
        for (String external : List.of("http://", "https://", "src=", "href=", "url(", "@import")) {
            assertTrue(!page.contains(external), "no external resources, the page works offline: found " + external);
        }
        assertEquals(root.body(), c.text("/dashboard").body());
        assertEquals(404, c.get("/dashboard/x").status());
    }

    @Test
    void chromiumRendersEveryPlotWithDataAndListsTheMiners() throws Exception {
        Optional<HeadlessChromium> found = HeadlessChromium.find(dir);
        if (found.isEmpty()) {
            System.err.println("NOTICE: no chromium on the PATH; skipping the dashboard's browser test "
                    + "(scripts/install-test-deps.sh installs Debian's chromium)");
        }
        Assumptions.assumeTrue(found.isPresent(), "NOTICE: chromium not found; run scripts/install-test-deps.sh");
        HeadlessChromium chromium = found.get();
        String url = "http://127.0.0.1:" + server.port() + "/";

        String dom = chromium.dumpDom(url);
        assertTrue(dom.contains("data-state=\"ready\""), "the page's script finished rendering:\n" + dom);
        for (Sr25519KeyPair k : List.of(BOB, DAVE, EVE, CHARLIE)) {
            assertTrue(dom.contains("<tr data-hotkey=\"" + k.ss58Address() + "\">"), "table lists " + k.ss58Address());
        }
        assertEquals(ROUNDS * 2, marks(dom, "plot-loss"), "a point per revision and per validator round");
        assertEquals(ROUNDS * 3, marks(dom, "plot-incentive"), "a point per miner and round");
        assertEquals(3 * 2, marks(dom, "plot-scores"), "incentive and validator score bars per miner");
        assertEquals(ROUNDS * 3, marks(dom, "plot-health"), "a cell per miner and round");

        Path png = dir.resolve("dashboard.png");
        chromium.screenshot(url, png);
        keepForDocs(png);
        BufferedImage img = ImageIO.read(png.toFile());
        assertEquals(HeadlessChromium.WIDTH, img.getWidth());
        int[] loss = box(dom, "plot-loss");
        assertTrue(count(img, loss, LOSS) > 40, "the orchestrator's loss line is drawn");
        assertTrue(count(img, loss, VALIDATOR_LOSS) > 40, "the validator's loss line is drawn");
        int[] incentive = box(dom, "plot-incentive");
        int[] scores = box(dom, "plot-scores");
        for (Map.Entry<Sr25519KeyPair, Integer> e : MINER_COLORS.entrySet()) {
            assertTrue(count(img, incentive, e.getValue()) > 40, "incentive line of " + e.getKey().ss58Address());
            assertTrue(count(img, scores, e.getValue()) > 40, "incentive bar of " + e.getKey().ss58Address());
        }
        int[] health = box(dom, "plot-health");
        assertTrue(count(img, health, COMMITTED) > 200, "committed cells");
        assertTrue(count(img, health, MISSED) > 200, "missed cells (Dave round 3, Eve round 1; Eve round 4 is still open)");
        assertTrue(count(img, box(dom, "plot-progress"), PROGRESS) > 200, "round progress bar");

        // The same checks find nothing on a dashboard without data: they do tell data from no data.
        String emptyUrl = "http://127.0.0.1:" + emptyServer.port() + "/";
        String emptyDom = chromium.dumpDom(emptyUrl);
        assertEquals(0, marks(emptyDom, "plot-loss"));
        Path emptyPng = dir.resolve("empty.png");
        chromium.screenshot(emptyUrl, emptyPng);
        BufferedImage none = ImageIO.read(emptyPng.toFile());
        assertEquals(0, count(none, box(emptyDom, "plot-loss"), LOSS));
        assertEquals(0, count(none, box(emptyDom, "plot-incentive"), MINER_COLORS.get(DAVE)));
        assertEquals(0, count(none, box(emptyDom, "plot-health"), MISSED));
    }

    private static int marks(String dom, String id) {
        return Integer.parseInt(attribute(dom, id, "data-marks"));
    }

    /** The plot's box in page pixels, as the page's script measured it: x, y, width, height. */
    private static int[] box(String dom, String id) {
        String[] parts = attribute(dom, id, "data-box").split(",");
        int[] b = new int[4];
        for (int i = 0; i < 4; i++) {
            b[i] = Integer.parseInt(parts[i]);
        }
        assertTrue(b[2] > 100 && b[3] > 40 && b[1] + b[3] <= HeadlessChromium.HEIGHT, id + " box fits the screenshot: "
                + String.join(",", parts));
        return b;
    }

    private static String attribute(String dom, String id, String name) {
        Matcher tag = Pattern.compile("<svg[^>]*\\bid=\"" + id + "\"[^>]*>").matcher(dom);
        assertTrue(tag.find(), "no svg#" + id);
        Matcher attr = Pattern.compile("\\b" + name + "=\"([^\"]*)\"").matcher(tag.group());
        assertTrue(attr.find(), "svg#" + id + " has no " + name + ": " + tag.group());
        return attr.group(1);
    }

    /** Pixels inside {@code box} within a small tolerance of {@code rgb} (anti-aliased edges excluded). */
    private static int count(BufferedImage img, int[] box, int rgb) {
        int n = 0;
        for (int y = Math.max(0, box[1]); y < Math.min(img.getHeight(), box[1] + box[3]); y++) {
            for (int x = Math.max(0, box[0]); x < Math.min(img.getWidth(), box[0] + box[2]); x++) {
                int p = img.getRGB(x, y);
                if (Math.abs(((p >> 16) & 0xff) - ((rgb >> 16) & 0xff)) <= 6
                        && Math.abs(((p >> 8) & 0xff) - ((rgb >> 8) & 0xff)) <= 6
                        && Math.abs((p & 0xff) - (rgb & 0xff)) <= 6) {
                    n++;
                }
            }
        }
        return n;
    }

    /** Leaves the screenshot in target/ for the docs (docs/orchestrator-dashboard.png is a copy). */
    private static void keepForDocs(Path png) {
        try {
            Path target = Path.of("target");
            if (Files.isDirectory(target)) {
                Files.copy(png, target.resolve("dashboard-test.png"), StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (java.io.IOException e) {
            // only a convenience
        }
    }

    @Test
    void aServerWithoutHistoryOrDatasetAnswersEmptyListsAndTheChainsNeurons() {
        JsonNode d = new TestClient(emptyServer.port()).get("/v1/dashboard").json();
        assertEquals(0, d.get("revisions").size());
        assertNull(d.get("dataset").textValue());
        assertTrue(d.get("miners").size() == 4, d.toString());
    }
}
