package io.tensorswarm.common.opsfiles;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code .env.example} lists every environment variable the code reads, in lines systemd and the pm2
 * loader read alike, and {@code scripts/ops/install-env.sh} turns its sections into env files.
 */
class EnvExampleTest {
    /** {@code ${env:NAME}} defaults of picocli options. */
    private static final Pattern PICOCLI_ENV = Pattern.compile("\\$\\{env:([A-Za-z_][A-Za-z0-9_]*)");
    /** {@code getenv("NAME")}, {@code env.get("NAME")}, {@code environment.apply("NAME")}. */
    private static final Pattern LOOKUP = Pattern.compile(
            "(?:getenv|\\benv\\w*\\s*\\.\\s*(?:get|apply|getOrDefault)|\\benvironment\\w*\\s*\\.\\s*(?:get|apply))\\(\\s*\"([A-Z][A-Z0-9_]*)\"",
            Pattern.CASE_INSENSITIVE);
    /** Constants naming a variable: {@code String NETWORK_ENV = "BT_SUBTENSOR_NETWORK"}, {@code ENV_VARIABLE = ...}. */
    private static final Pattern ENV_CONSTANT = Pattern.compile("String\\s+\\w*ENV\\w*\\s*=\\s*\"([A-Z][A-Z0-9_]*)\"");
    /** Variables in logback configuration: {@code ${TS_LOG_LEVEL:-INFO}}. */
    private static final Pattern LOGBACK_VAR = Pattern.compile("\\$\\{([A-Z][A-Z0-9_]*)(?::-[^}]*)?}");
    /** A setting line, set or commented out: {@code # NAME=value} or {@code NAME=value}. */
    private static final Pattern SETTING = Pattern.compile("^(?:# )?([A-Z][A-Z0-9_]*)=(.*)$");
    private static final Pattern SECTION = Pattern.compile("^# ==== \\[([a-z-]+)\\.env] .*====$");

    @Test
    void everyEnvironmentVariableTheCodeReadsIsASettingInEnvExample() throws IOException {
        Map<String, String> readBy = variablesReadByMainCode();
        // The scan must find what we know is there, or it proves nothing.
        for (String known : List.of("TS_NETUID", "BT_WALLET_PATH", "BT_COLDKEY_PASSWORD", "BT_SUBTENSOR_CHAIN_ENDPOINT",
                "AWS_SECRET_ACCESS_KEY", "HF_TOKEN", "TS_METRICS_PORT", "TS_SHUTDOWN_GRACE", "TS_LOG_LEVEL")) {
            assertTrue(readBy.containsKey(known), "the scan missed " + known + "; found " + readBy.keySet());
        }
        Set<String> listed = settings(Files.readAllLines(OpsFiles.ENV_EXAMPLE)).keySet();
        Map<String, String> missing = new TreeMap<>();
        readBy.forEach((name, where) -> {
            if (!listed.contains(name)) {
                missing.put(name, where);
            }
        });
        assertTrue(missing.isEmpty(), "add these to .env.example (with a comment): " + missing);
    }

    @Test
    @Timeout(30)
    void productionCodeReadsNoTestSwitch() throws IOException {
        Map<String, String> switches = new TreeMap<>(variablesReadByMainCode());
        switches.keySet().removeIf(name -> !name.startsWith("TS_TEST_"));
        assertTrue(switches.isEmpty(), "tests must fault real code from outside it, not through the environment: "
                + switches);
    }

    @Test
    void settingLinesAreReadTheSameBySystemdAndThePm2Loader() throws IOException {
        List<String> lines = Files.readAllLines(OpsFiles.ENV_EXAMPLE);
        Set<String> sections = new TreeSet<>();
        String section = null;
        Set<String> inSection = new TreeSet<>();
        for (String line : lines) {
            Matcher header = SECTION.matcher(line);
            if (header.matches()) {
                section = header.group(1);
                assertTrue(sections.add(section), "section " + section + " appears twice");
                inSection.clear();
                continue;
            }
            if (line.startsWith("# ==== ")) {
                section = null;
                continue;
            }
            Matcher m = SETTING.matcher(line);
            if (!m.matches()) {
                assertFalse(line.matches("^#?\\s*[A-Z][A-Z0-9_]*\\s*=.*"), "malformed setting line: " + line);
                continue;
            }
            String value = m.group(2);
            // systemd keeps everything after '=' (a "# ..." included) and eats backslashes
            assertFalse(value.contains(" #") || value.contains("\\"), "value with a comment or backslash: " + line);
            assertFalse(value.startsWith(" ") || value.endsWith(" "), "value with surrounding blanks: " + line);
            assertFalse(line.startsWith(m.group(1)), "settings stay commented out in the example: " + line);
            if (section != null) {
                assertTrue(inSection.add(m.group(1)), m.group(1) + " appears twice in [" + section + ".env]");
            }
        }
        assertEquals(new TreeSet<>(List.of("auto-update", "averager", "common", "miner", "orchestrator", "validator")), sections);
    }

    @Test
    void installEnvWritesCommonAndDaemonFilesThatOnlyTheOwnerAndGroupCanRead(@TempDir Path tmp) throws Exception {
        Path dir = tmp.resolve("etc-tensorswarm");
        OpsFiles.Result r = installEnv(dir, "validator", "miner-gpu0", "miner-gpu1");
        assertEquals(0, r.exit(), r.describe());

        Map<String, List<String>> example = sectionSettings(Files.readAllLines(OpsFiles.ENV_EXAMPLE));
        for (String name : List.of("common", "validator")) {
            Path file = dir.resolve(name + ".env");
            assertEquals(example.get(name), new ArrayList<>(settings(Files.readAllLines(file)).keySet()), file.toString());
            assertEquals("rw-r-----", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)), file.toString());
        }
        assertEquals("rwxr-x---", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)));
        assertFalse(Files.exists(dir.resolve("miner.env")), "only the daemons asked for");
        // each miner instance gets its own, set, metrics port
        assertTrue(Files.readAllLines(dir.resolve("miner-gpu0.env")).contains("TS_METRICS_PORT=9111"));
        assertTrue(Files.readAllLines(dir.resolve("miner-gpu1.env")).contains("TS_METRICS_PORT=9112"));
    }

    @Test
    void installEnvKeepsEditedFilesUnlessForced(@TempDir Path tmp) throws Exception {
        Path dir = tmp.resolve("env");
        assertEquals(0, installEnv(dir, "miner").exit());
        Path miner = dir.resolve("miner.env");
        Files.writeString(miner, "TS_NETUID=9\n");

        OpsFiles.Result again = installEnv(dir, "miner");
        assertEquals(0, again.exit(), again.describe());
        assertTrue(again.output().contains("keeping existing " + miner), again.output());
        assertEquals("TS_NETUID=9\n", Files.readString(miner));

        assertEquals(0, installEnv(dir, "--force", "miner").exit());
        assertTrue(settings(Files.readAllLines(miner)).containsKey("TS_STORAGE_LOCATION"));
    }

    @Test
    void installEnvRefusesAnUnknownDaemonAndWritesNothing(@TempDir Path tmp) throws Exception {
        Path dir = tmp.resolve("env");
        OpsFiles.Result r = installEnv(dir, "miner", "minr");
        assertEquals(2, r.exit(), r.describe());
        assertTrue(r.output().contains("unknown daemon: minr"), r.output());
        assertFalse(Files.exists(dir), "nothing written");
    }

    private static OpsFiles.Result installEnv(Path dir, String... names) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("bash", OpsFiles.OPS.resolve("install-env.sh").toString()));
        List<String> rest = new ArrayList<>(List.of(names));
        if (!rest.isEmpty() && rest.get(0).equals("--force")) {
            cmd.add(rest.remove(0));
        }
        cmd.add(dir.toString());
        cmd.addAll(rest);
        return OpsFiles.run(cmd, OpsFiles.ROOT, Map.of(), Duration.ofSeconds(30));
    }

    /** Setting names (set or commented) of {@code lines}, in order, with their values. */
    static Map<String, String> settings(List<String> lines) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String line : lines) {
            Matcher m = SETTING.matcher(line);
            if (m.matches()) {
                out.putIfAbsent(m.group(1), m.group(2));
            }
        }
        return out;
    }

    private static Map<String, List<String>> sectionSettings(List<String> lines) {
        Map<String, List<String>> out = new TreeMap<>();
        List<String> current = null;
        for (String line : lines) {
            Matcher header = SECTION.matcher(line);
            if (header.matches()) {
                current = new ArrayList<>();
                out.put(header.group(1), current);
            } else if (line.startsWith("# ==== ")) {
                current = null;
            } else if (current != null) {
                Matcher m = SETTING.matcher(line);
                if (m.matches()) {
                    current.add(m.group(1));
                }
            }
        }
        return out;
    }

    /** Every variable main code reads, with the first file that reads it. */
    private static Map<String, String> variablesReadByMainCode() throws IOException {
        Map<String, String> found = new TreeMap<>();
        List<Path> sources = new ArrayList<>();
        try (Stream<Path> modules = Files.list(OpsFiles.ROOT)) {
            for (Path module : modules.filter(m -> Files.isRegularFile(m.resolve("pom.xml"))).toList()) {
                Path main = module.resolve("src/main");
                if (!Files.isDirectory(main)) {
                    continue;
                }
                try (Stream<Path> walk = Files.walk(main)) {
                    walk.filter(p -> p.toString().endsWith(".java")
                            || p.getFileName().toString().matches("logback.*\\.xml")).forEach(sources::add);
                }
            }
        }
        for (Path source : sources) {
            String text = Files.readString(source, StandardCharsets.UTF_8);
            String where = OpsFiles.ROOT.relativize(source).toString();
            List<Pattern> patterns = source.toString().endsWith(".xml") ? List.of(LOGBACK_VAR) : List.of(PICOCLI_ENV, LOOKUP, ENV_CONSTANT);
            for (Pattern p : patterns) {
                Matcher m = p.matcher(text);
                while (m.find()) {
                    found.putIfAbsent(m.group(1), where);
                }
            }
        }
        return found;
    }
}
