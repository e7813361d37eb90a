package io.tensorswarm.common.opsfiles;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The systemd units in {@code scripts/ops/systemd/}: systemd's own checker accepts them, and each daemon
 * unit stops with SIGTERM within a timeout longer than the daemon's grace, counts exit 143 as a clean
 * stop, restarts on failure with a start limit, reads common.env and its own env file, and keeps the
 * paths DJL writes to writable under its hardening.
 */
class SystemdUnitsTest {
    private static final Duration DEFAULT_GRACE = Duration.ofSeconds(30);
    private static final Map<String, String> PORTS = Map.of(
            "miner", "9101", "validator", "9102", "averager", "9103", "orchestrator", "9104");

    @Test
    void systemdAnalyzeVerifyAcceptsEveryUnit(@TempDir Path tmp) throws Exception {
        Path analyze = OpsFiles.onPath("systemd-analyze");
        OpsFiles.requireOrSkip(analyze != null, "SystemdUnitsTest", "systemd-analyze is not on PATH");
        // A known-good unit must pass and a misspelled key must be reported, or this machine's
        // systemd-analyze cannot judge ours.
        Path probe = tmp.resolve("probe");
        OpsFiles.write(probe.resolve("probe-ok.service"), "[Service]\nExecStart=/bin/true\n");
        OpsFiles.write(probe.resolve("probe-bad.service"), "[Service]\nExecStart=/bin/true\nKillModee=mixed\n");
        OpsFiles.Result good = verify(analyze, probe, List.of(probe.resolve("probe-ok.service")));
        OpsFiles.Result bad = verify(analyze, probe, List.of(probe.resolve("probe-bad.service")));
        OpsFiles.requireOrSkip(good.exit() == 0 && good.output().isBlank() && bad.output().contains("KillModee"),
                "SystemdUnitsTest", "systemd-analyze verify does not work here: " + good.describe() + " / " + bad.describe());

        // Copies that point at this checkout, so ExecStart= paths are checked for real: the jars need
        // not exist (arguments), but java and auto-update.sh must be executables.
        Path units = tmp.resolve("units");
        Files.createDirectories(units);
        Path java = Files.isExecutable(Path.of("/usr/bin/java")) ? Path.of("/usr/bin/java") : OpsFiles.onPath("java");
        List<Path> copies = new ArrayList<>();
        for (Path unit : unitFiles()) {
            String text = Files.readString(unit).replace("/opt/tensorswarm", OpsFiles.ROOT.toString())
                    .replace("/usr/bin/java", java.toString());
            String name = unit.getFileName().toString();
            copies.add(Files.writeString(units.resolve(name), text));
            if (name.endsWith("@.service")) {
                copies.add(Files.writeString(units.resolve(name.replace("@.", "@gpu0.")), text));
            }
        }
        OpsFiles.Result r = verify(analyze, units, copies);
        assertEquals(0, r.exit(), r.describe());
        assertTrue(r.output().isBlank(), "systemd-analyze verify complained:\n" + r.output());
    }

    @ParameterizedTest
    @ValueSource(strings = {"miner", "validator", "averager", "orchestrator", "miner@"})
    void eachDaemonUnitStopsCleanlyRestartsOnFailureAndReadsItsEnvFiles(String daemon) throws IOException {
        Path file = OpsFiles.SYSTEMD.resolve("tensorswarm-" + daemon + ".service");
        Map<String, List<String>> unit = parse(file, "Unit");
        Map<String, List<String>> service = parse(file, "Service");
        String jar = daemon.replace("@", "");

        assertEquals(List.of("SIGTERM"), service.get("KillSignal"));
        assertEquals(List.of("mixed"), service.get("KillMode"), "SIGTERM to the JVM only; it stops its own workers");
        Duration stop = seconds(one(service, "TimeoutStopSec"));
        assertTrue(stop.compareTo(DEFAULT_GRACE) > 0, "TimeoutStopSec " + stop + " must exceed the grace " + DEFAULT_GRACE);
        assertTrue(one(service, "SuccessExitStatus").matches("(.* )?143( .*)?"), "exit 143 is a clean stop");
        assertEquals(List.of("on-failure"), service.get("Restart"));
        assertTrue(seconds(one(service, "RestartSec")).toSeconds() > 0);
        assertEquals(List.of("2"), service.get("RestartPreventExitStatus"), "bad settings are not retried");
        assertTrue(Integer.parseInt(one(unit, "StartLimitBurst")) > 0);
        assertTrue(seconds(one(unit, "StartLimitIntervalSec")).toSeconds() > 0);

        List<String> envFiles = service.get("EnvironmentFile");
        assertEquals("-/etc/tensorswarm/common.env", envFiles.get(0), "common.env first (optional)");
        assertEquals(daemon.endsWith("@") ? "/etc/tensorswarm/miner-%i.env" : "/etc/tensorswarm/" + jar + ".env",
                envFiles.get(envFiles.size() - 1), "its own file last (required), so it wins");
        assertTrue(one(service, "ExecStart").matches(
                "/usr/bin/java -Dai\\.djl\\.pytorch\\.num_threads=\\$\\{OMP_NUM_THREADS} \\$JAVA_OPTS -jar /opt/tensorswarm/dist/"
                        + jar + "\\.jar run \\$TS_ARGS"), one(service, "ExecStart"));

        Map<String, String> defaults = environment(service);
        assertEquals("PASSIVE", defaults.get("OMP_WAIT_POLICY"));
        assertTrue(Integer.parseInt(defaults.get("OMP_NUM_THREADS")) >= 1);
        assertTrue(defaults.get("JAVA_OPTS").contains("-Xmx"));
        assertEquals("", defaults.get("TS_ARGS"), "defined, so $TS_ARGS expands to nothing");
        if (daemon.endsWith("@")) {
            assertEquals("/var/lib/tensorswarm/miner-%i", defaults.get("TS_STATE_DIR"));
            assertFalse(defaults.containsKey("TS_METRICS_PORT"), "each instance sets its own port");
        } else {
            assertEquals("/var/lib/tensorswarm/" + jar, defaults.get("TS_STATE_DIR"));
            assertEquals(PORTS.get(jar), defaults.get("TS_METRICS_PORT"));
        }

        // Hardening must leave what the JVM, DJL and CUDA need.
        assertEquals(List.of("strict"), service.get("ProtectSystem"));
        assertEquals(List.of("tensorswarm"), service.get("StateDirectory"));
        assertEquals(List.of("tensorswarm"), service.get("CacheDirectory"));
        assertTrue(defaults.get("DJL_CACHE_DIR").startsWith("/var/cache/tensorswarm/"), "DJL unpacks natives under CacheDirectory");
        assertTrue(one(service, "WorkingDirectory").startsWith("/var/lib/tensorswarm"), "relative paths land in StateDirectory");
        for (String breaking : List.of("MemoryDenyWriteExecute", "PrivateDevices", "SystemCallFilter", "NoExecPaths")) {
            assertFalse(service.containsKey(breaking), breaking + " breaks the JIT, CUDA or libtorch");
        }
    }

    @Test
    void theUpdaterRunsOnATimerAsAOneShotThatRestartsSystemdUnits() throws IOException {
        Map<String, List<String>> service = parse(OpsFiles.SYSTEMD.resolve("tensorswarm-auto-update.service"), "Service");
        assertEquals(List.of("oneshot"), service.get("Type"));
        assertEquals(List.of("/opt/tensorswarm/scripts/ops/auto-update.sh --dir /opt/tensorswarm --systemd"), service.get("ExecStart"));
        assertEquals(List.of("-/etc/tensorswarm/auto-update.env"), service.get("EnvironmentFile"));
        Map<String, List<String>> timer = parse(OpsFiles.SYSTEMD.resolve("tensorswarm-auto-update.timer"), "Timer");
        assertNotEquals(null, timer.get("OnCalendar"));
        assertEquals(List.of("true"), timer.get("Persistent"));
    }

    private static OpsFiles.Result verify(Path analyze, Path dir, List<Path> units) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(analyze.toString(), "verify", "--man=no"));
        units.forEach(u -> cmd.add(u.toString()));
        return OpsFiles.run(cmd, dir, Map.of("SYSTEMD_LOG_COLOR", "0"), Duration.ofSeconds(60));
    }

    private static List<Path> unitFiles() throws IOException {
        try (Stream<Path> files = Files.list(OpsFiles.SYSTEMD)) {
            List<Path> units = files.filter(p -> p.toString().matches(".*\\.(service|timer)")).sorted().toList();
            assertEquals(7, units.size(), "four daemons, the miner template, the updater's service and timer: " + units);
            return units;
        }
    }

    /** The keys of one section of a unit file; a key given several times keeps every value in order. */
    private static Map<String, List<String>> parse(Path file, String section) throws IOException {
        Map<String, List<String>> out = new LinkedHashMap<>();
        String current = null;
        for (String raw : Files.readAllLines(file)) {
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#") || line.startsWith(";")) {
                continue;
            }
            if (line.startsWith("[")) {
                current = line.substring(1, line.length() - 1);
                continue;
            }
            int eq = line.indexOf('=');
            if (section.equals(current) && eq > 0) {
                out.computeIfAbsent(line.substring(0, eq), k -> new ArrayList<>()).add(line.substring(eq + 1));
            }
        }
        return out;
    }

    /** The {@code Environment=} assignments, with systemd's double quotes removed. */
    private static Map<String, String> environment(Map<String, List<String>> service) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String value : service.getOrDefault("Environment", List.of())) {
            String v = value.startsWith("\"") && value.endsWith("\"") ? value.substring(1, value.length() - 1) : value;
            int eq = v.indexOf('=');
            out.put(v.substring(0, eq), v.substring(eq + 1));
        }
        return out;
    }

    private static String one(Map<String, List<String>> section, String key) {
        List<String> values = section.get(key);
        assertTrue(values != null && values.size() == 1, key + " must be set once: " + values);
        return values.get(0);
    }

    /** A systemd time span such as 45s, 15min or 10 (seconds). */
    private static Duration seconds(String span) {
        Matcher m = Pattern.compile("(\\d+)(s|sec|min|m|h)?").matcher(span.strip());
        assertTrue(m.matches(), "unsupported time span " + span);
        long n = Long.parseLong(m.group(1));
        String unit = m.group(2) == null ? "s" : m.group(2);
        return switch (unit) {
            case "min", "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            default -> Duration.ofSeconds(n);
        };
    }
}
