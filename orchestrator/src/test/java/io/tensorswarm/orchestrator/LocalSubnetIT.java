package io.tensorswarm.orchestrator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The README's main command, shortened: {@code scripts/local-subnet.sh} with two honest miners and a
 * noise miner for two rounds, every daemon a separate process of the jars just built in {@code dist/}.
 * Checks the report the way an operator would read it: the base model improves, the first merge is
 * accepted and no merge raises the loss, and the adversary ends below every honest miner. Runs in
 * {@code mvn verify} (failsafe) after every module has been packaged; about 3 minutes on 2 cores.
 */
class LocalSubnetIT {
    private static final long TIME_LIMIT_MINUTES = 15;

    @Test
    void aShortLocalSubnetImprovesTheModelAndPaysHonestMinersMoreThanAnAdversary() throws Exception {
        Path root = repositoryRoot();
        for (String jar : List.of("miner", "validator", "averager", "orchestrator")) {
            assertTrue(Files.isRegularFile(root.resolve("dist/" + jar + ".jar")), "dist/" + jar + ".jar was not built");
        }
        Path workdir = root.resolve("orchestrator/target/local-subnet-it");
        Path report = workdir.resolve("report.json");
        Files.deleteIfExists(report);
        Path log = root.resolve("orchestrator/target/local-subnet-it.log");
        Files.createDirectories(log.getParent());

        List<String> cmd = List.of("bash", "scripts/local-subnet.sh", "--miners", "2", "--rounds", "2",
                "--adversaries", "noise", "--workdir", workdir.toString(), "--report", report.toString());
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(root.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile());
        Process p = pb.start();
        try {
            if (!p.waitFor(TIME_LIMIT_MINUTES, TimeUnit.MINUTES)) {
                fail("local subnet still running after " + TIME_LIMIT_MINUTES + " min; log tail:\n" + tail(log));
            }
        } finally {
            if (p.isAlive()) {
                p.descendants().forEach(ProcessHandle::destroy);
                p.destroy();
                p.waitFor(30, TimeUnit.SECONDS);
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
            }
        }
        assertEquals(0, p.exitValue(), "local-subnet.sh failed; log tail:\n" + tail(log));
        assertTrue(Files.isRegularFile(report), "no report written; log tail:\n" + tail(log));

        JsonNode rounds = new ObjectMapper().readTree(report.toFile()).get("rounds");
        assertEquals(2, rounds.size(), "rounds in the report");
        // The first merge starts from a freshly initialized model and must be accepted; a later one may be
        // refused by the averager's loss gate (that is the gate working), but never raise the loss.
        assertTrue(rounds.get(0).get("merge_accepted").asBoolean(),
                "the first round's merge was not accepted: " + rounds.get(0).get("merge_note"));
        double firstBase = rounds.get(0).get("base_loss").asDouble();
        double lastBase = rounds.get(1).get("base_loss").asDouble();
        for (JsonNode round : rounds) {
            String where = "round " + round.get("round").asInt() + ": ";
            assertFalse(round.get("base_loss").isNull(), where + "the validator scored nothing");
            if (round.get("merge_accepted").asBoolean()) {
                assertTrue(round.get("new_base_loss").asDouble() <= round.get("merge_loss_before").asDouble(),
                        where + "the merge raised the loss");
            } else {
                assertTrue(round.get("merge_note").asText().contains("latest unchanged"),
                        where + "a refused merge must leave latest alone: " + round.get("merge_note"));
            }
            assertEquals(3, round.get("miners").size(), where + "miners in the report");
            for (JsonNode m : round.get("miners")) {
                assertTrue(m.get("hotkey").asText().startsWith("5"), where + "hotkey " + m);
                assertFalse(m.get("reason").asText().isBlank(), where + "every score has a reason: " + m);
            }
        }
        assertTrue(lastBase < firstBase, "the validator's base loss did not fall: " + firstBase + " -> " + lastBase);

        List<Double> honest = new ArrayList<>();
        Double noise = null;
        for (JsonNode m : rounds.get(1).get("miners")) {
            double w = m.get("weight").isNull() ? 0.0 : m.get("weight").asDouble();
            if (m.get("kind").asText().equals("honest")) {
                honest.add(w);
            } else {
                noise = w;
            }
        }
        assertNotNull(noise, "the noise miner is in the report");
        assertEquals(2, honest.size());
        for (double w : honest) {
            assertTrue(w > noise, "honest weight " + w + " must exceed the noise miner's " + noise);
        }
    }

    private static Path repositoryRoot() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.isRegularFile(dir.resolve("scripts/local-subnet.sh"))) {
            dir = dir.getParent();
        }
        assertNotNull(dir, "cannot find the repository root above " + Path.of("").toAbsolutePath());
        return dir;
    }

    private static String tail(Path log) throws IOException {
        if (!Files.exists(log)) {
            return "<no log>";
        }
        List<String> lines = Files.readAllLines(log);
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    }
}
