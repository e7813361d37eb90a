package io.tensorswarm.common.opsfiles;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code scripts/ops/ecosystem.config.js}, loaded by node the way pm2 loads it: one app per daemon env
 * file, each running {@code java ... -jar dist/<daemon>.jar run} with its env files, a restart policy,
 * a stop timeout longer than the daemon's shutdown grace, and log files.
 */
class EcosystemConfigTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Map<String, String> PORTS = Map.of(
            "miner", "9101", "validator", "9102", "averager", "9103", "orchestrator", "9104");

    @TempDir Path tmp;

    @BeforeAll
    static void needsNode() {
        OpsFiles.requireOrSkip(OpsFiles.onPath("node") != null, "EcosystemConfigTest", "node is not on PATH");
    }

    @Test
    void eachDaemonWithAnEnvFileIsOneAppRunningItsJarWithRestartAndStopSettings() throws Exception {
        Path env = tmp.resolve("env");
        OpsFiles.write(env.resolve("common.env"), "TS_NETUID=3\n");
        for (String daemon : PORTS.keySet()) {
            OpsFiles.write(env.resolve(daemon + ".env"), "# nothing yet\n");
        }
        JsonNode apps = load(env);

        assertEquals(4, apps.size(), apps.toString());
        Set<String> ports = new HashSet<>();
        for (JsonNode app : apps) {
            String name = app.get("name").asText();
            String daemon = name.substring("tensorswarm-".length());
            assertTrue(PORTS.containsKey(daemon), name);
            assertEquals("tensorswarm", app.get("namespace").asText());
            assertEquals("java", app.get("script").asText());
            assertEquals("none", app.get("interpreter").asText());
            List<String> args = strings(app.get("args"));
            int jar = args.indexOf("-jar");
            assertEquals(List.of(OpsFiles.ROOT.resolve("dist/" + daemon + ".jar").toString(), "run"),
                    args.subList(jar + 1, args.size()), args.toString());
            assertTrue(args.contains("-XX:+ExitOnOutOfMemoryError"), args.toString());

            JsonNode e = app.get("env");
            assertEquals("3", e.get("TS_NETUID").asText(), "common.env reaches " + name);
            assertEquals("PASSIVE", e.get("OMP_WAIT_POLICY").asText());
            assertTrue(e.get("OMP_NUM_THREADS").asInt() >= 1);
            assertEquals(PORTS.get(daemon), e.get("TS_METRICS_PORT").asText(), name);
            assertTrue(ports.add(e.get("TS_METRICS_PORT").asText()), "ports are distinct");
            assertEquals(tmp.resolve("work").resolve(daemon).toString(), e.get("TS_STATE_DIR").asText());
            assertEquals("-Dai.djl.pytorch.num_threads=" + e.get("OMP_NUM_THREADS").asText(), args.get(0));

            assertTrue(app.get("autorestart").asBoolean());
            assertTrue(app.get("exp_backoff_restart_delay").asInt() > 0);
            assertTrue(app.get("max_restarts").asInt() > 0);
            assertTrue(app.get("kill_timeout").asLong() > Duration.ofSeconds(30).toMillis(),
                    "kill_timeout must exceed the default --shutdown.grace of 30 s: " + app.get("kill_timeout"));
            assertFalse(app.get("treekill").asBoolean(), "only the JVM gets the stop signal");
            assertTrue(strings(app.get("stop_exit_codes")).containsAll(List.of("0", "2", "130", "143")));
            assertEquals(tmp.resolve("logs").resolve(name + ".log").toString(), app.get("out_file").asText());
            assertEquals(app.get("out_file"), app.get("error_file"));
            assertEquals(tmp.resolve("work").toString(), app.get("cwd").asText());
        }
    }

    @Test
    void daemonFilesOverrideCommonAndTheGraceSetsTheKillTimeout() throws Exception {
        Path env = tmp.resolve("env");
        OpsFiles.write(env.resolve("common.env"), "TS_NETUID=3\nOMP_NUM_THREADS=2\nTS_SHUTDOWN_GRACE=PT10S\n");
        OpsFiles.write(env.resolve("validator.env"), String.join("\n",
                "# the validator's settings",
                "export TS_NETUID=5",
                "TS_SHUTDOWN_GRACE=PT2M",
                "TS_METRICS_PORT=9200",
                "JAVA_OPTS=\"-Xmx8g -Dmarker=1\"",
                "TS_ARGS=--data /srv/data/train.jsonl --text-field body",
                ""));
        OpsFiles.write(env.resolve("averager.env"), "");
        JsonNode apps = load(env);

        JsonNode validator = app(apps, "tensorswarm-validator");
        assertEquals("5", validator.get("env").get("TS_NETUID").asText());
        assertEquals("9200", validator.get("env").get("TS_METRICS_PORT").asText());
        assertEquals(Duration.ofMinutes(2).plusSeconds(15).toMillis(), validator.get("kill_timeout").asLong());
        assertEquals(List.of("-Dai.djl.pytorch.num_threads=2", "-Xmx8g", "-Dmarker=1", "-jar",
                        OpsFiles.ROOT.resolve("dist/validator.jar").toString(), "run",
                        "--data", "/srv/data/train.jsonl", "--text-field", "body"),
                strings(validator.get("args")));

        JsonNode averager = app(apps, "tensorswarm-averager");
        assertEquals(Duration.ofSeconds(25).toMillis(), averager.get("kill_timeout").asLong(), "PT10S from common.env + 15 s");
    }

    @Test
    void severalMinersOnOneHostGetOneAppEachWithTheirOwnPortStateAndHotkey() throws Exception {
        Path env = tmp.resolve("env");
        OpsFiles.write(env.resolve("common.env"), "TS_NETUID=3\n");
        OpsFiles.write(env.resolve("miner.env"), "TS_CODEC=int8\nBT_WALLET_HOTKEY=shared\n");
        OpsFiles.write(env.resolve("miner-gpu0.env"), "TS_METRICS_PORT=9111\nBT_WALLET_HOTKEY=h0\nTS_DEVICE=cuda:0\n");
        OpsFiles.write(env.resolve("miner-gpu1.env"), "TS_METRICS_PORT=9112\nBT_WALLET_HOTKEY=h1\nTS_DEVICE=cuda:1\n");
        JsonNode apps = load(env);

        assertEquals(2, apps.size(), "miner.env alone is no app when instances exist: " + apps);
        for (int i = 0; i < 2; i++) {
            JsonNode app = app(apps, "tensorswarm-miner-gpu" + i);
            JsonNode e = app.get("env");
            assertEquals("911" + (i + 1), e.get("TS_METRICS_PORT").asText());
            assertEquals("h" + i, e.get("BT_WALLET_HOTKEY").asText());
            assertEquals("cuda:" + i, e.get("TS_DEVICE").asText());
            assertEquals("int8", e.get("TS_CODEC").asText(), "miner.env is shared");
            assertEquals(tmp.resolve("work/miner-gpu" + i).toString(), e.get("TS_STATE_DIR").asText());
            assertTrue(strings(app.get("args")).contains(OpsFiles.ROOT.resolve("dist/miner.jar").toString()));
        }
    }

    @Test
    void aMinerInstanceWithoutItsOwnMetricsPortIsRefused() throws Exception {
        Path env = tmp.resolve("env");
        OpsFiles.write(env.resolve("miner-a.env"), "TS_METRICS_PORT=9111\n");
        OpsFiles.write(env.resolve("miner-b.env"), "BT_WALLET_HOTKEY=b\n");
        OpsFiles.Result r = node(env);
        assertNotEquals(0, r.exit());
        assertTrue(r.output().contains("miner-b.env must set TS_METRICS_PORT"), r.describe());
    }

    @Test
    void anEnvDirectoryWithoutDaemonFilesIsAClearError() throws Exception {
        Path env = tmp.resolve("env");
        OpsFiles.write(env.resolve("common.env"), "TS_NETUID=3\n");
        OpsFiles.Result r = node(env);
        assertNotEquals(0, r.exit());
        assertTrue(r.output().contains("no env files in " + env), r.describe());
    }

    @Test
    void aMalformedGraceOrEnvLineIsRefusedWithTheFileNamed() throws Exception {
        Path env = tmp.resolve("env");
        OpsFiles.write(env.resolve("miner.env"), "TS_SHUTDOWN_GRACE=30 seconds\n");
        OpsFiles.Result r = node(env);
        assertNotEquals(0, r.exit());
        assertTrue(r.output().contains("TS_SHUTDOWN_GRACE=30 seconds is not an ISO-8601 duration"), r.describe());

        OpsFiles.write(env.resolve("miner.env"), "TS_NETUID 3\n");
        r = node(env);
        assertNotEquals(0, r.exit());
        assertTrue(r.output().contains(env.resolve("miner.env") + " line 1: expected KEY=value"), r.describe());
    }

    @Test
    void jsonLogsGetNoDatePrefixAndTextLogsDo() throws Exception {
        Path env = tmp.resolve("env");
        OpsFiles.write(env.resolve("validator.env"), "TS_LOGGING_FORMAT=json\n");
        OpsFiles.write(env.resolve("averager.env"), "");
        JsonNode apps = load(env);
        assertFalse(app(apps, "tensorswarm-validator").has("log_date_format"), "JSON lines stay parseable");
        assertEquals("YYYY-MM-DD", app(apps, "tensorswarm-averager").get("log_date_format").asText());
    }

    @Test
    void theUpdaterIsAnAppOnlyWithItsEnvFileAndOutsideTheDaemonsNamespace() throws Exception {
        Path env = tmp.resolve("env");
        OpsFiles.write(env.resolve("miner.env"), "");
        assertEquals(1, load(env).size());

        OpsFiles.write(env.resolve("auto-update.env"), "TS_UPDATE_EVERY=600\n");
        JsonNode updater = app(load(env), "tensorswarm-auto-update");
        assertEquals("tensorswarm-ops", updater.get("namespace").asText(), "restarting the daemons must not restart it");
        assertEquals(OpsFiles.OPS.resolve("auto-update.sh").toString(), updater.get("script").asText());
        assertEquals(List.of("--dir", OpsFiles.ROOT.toString(), "--pm2", "tensorswarm", "--every", "600"),
                strings(updater.get("args")));
    }

    private JsonNode load(Path envDir) throws Exception {
        OpsFiles.Result r = node(envDir);
        assertEquals(0, r.exit(), r.describe());
        return JSON.readTree(r.output());
    }

    private OpsFiles.Result node(Path envDir) throws Exception {
        String js = "const c = require(process.argv[1]); process.stdout.write(JSON.stringify(c.apps));";
        return OpsFiles.run(List.of("node", "-e", js, OpsFiles.OPS.resolve("ecosystem.config.js").toString()),
                tmp, Map.of("TS_ENV_DIR", envDir.toString(), "TS_LOG_DIR", tmp.resolve("logs").toString(),
                        "TS_WORK_DIR", tmp.resolve("work").toString(), "TS_JAVA", "java"),
                Duration.ofSeconds(30));
    }

    private static JsonNode app(JsonNode apps, String name) {
        for (JsonNode app : apps) {
            if (app.get("name").asText().equals(name)) {
                return app;
            }
        }
        throw new AssertionError("no app " + name + " in " + apps);
    }

    private static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }
}
