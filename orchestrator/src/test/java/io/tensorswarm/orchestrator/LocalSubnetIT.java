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
 * shortened attack gym (the mixer, the replayer, the noisy copier and the norm bomb, which also aims
 * at the averager) for three rounds, every daemon and adversary a separate process of the jars just
 * built in {@code dist/}. Checks the report the way an operator would read it: the base model
 * improves, the first merge is accepted and no merge raises the loss, and the verdict is PASS: every
 * adversary's final weight is below 5% of the lowest honest miner's and no honest miner was ever
 * rejected. Runs in {@code mvn verify} (failsafe) after every module has been packaged; about 5
 * minutes on 2 cores.
 */
class LocalSubnetIT {
    private static final long TIME_LIMIT_MINUTES = 15;
    private static final List<String> ADVERSARIES = List.of("mixer", "replayer", "noisy-copier", "norm-bomb");
    private static final int HONEST = 2;
    private static final int ROUNDS = 3;

    @Test
    void aShortLocalSubnetImprovesTheModelAndPaysNoAdversary() throws Exception {
        Path root = repositoryRoot();
        for (String jar : List.of("miner", "validator", "averager", "orchestrator", "gym")) {
            assertTrue(Files.isRegularFile(root.resolve("dist/" + jar + ".jar")), "dist/" + jar + ".jar was not built");
        }
        Path workdir = root.resolve("orchestrator/target/local-subnet-it");
        Path report = workdir.resolve("report.json");
        Files.deleteIfExists(report);
        Path log = root.resolve("orchestrator/target/local-subnet-it.log");
        Files.createDirectories(log.getParent());

        List<String> cmd = List.of("bash", "scripts/local-subnet.sh", "--miners", Integer.toString(HONEST),
                "--rounds", Integer.toString(ROUNDS), "--adversaries", String.join(",", ADVERSARIES),
                "--workdir", workdir.toString(), "--report", report.toString());
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

        JsonNode full = new ObjectMapper().readTree(report.toFile());
        JsonNode rounds = full.get("rounds");
        assertEquals(ROUNDS, rounds.size(), "rounds in the report");
        // The first merge starts from a freshly initialized model and must be accepted (the norm bomb must
        // not sink it); a later one may be refused by the averager's loss gate, but never raise the loss.
        assertTrue(rounds.get(0).get("merge_accepted").asBoolean(),
                "the first round's merge was not accepted: " + rounds.get(0).get("merge_note"));
        double firstBase = rounds.get(0).get("base_loss").asDouble();
        double lastBase = rounds.get(ROUNDS - 1).get("base_loss").asDouble();
        for (JsonNode round : rounds) {
            String where = "round " + round.get("round").asInt() + ": ";
            assertFalse(round.get("base_loss").isNull(), where + "the validator scored nothing");
            if (round.get("merge_accepted").asBoolean()) {
                assertTrue(round.get("new_base_loss").asDouble() <= round.get("merge_loss_before").asDouble(),
                        where + "the merge raised the loss");
            } else {
                String note = round.get("merge_note").asText();
                assertTrue(note.contains("unchanged") || note.equals("no usable deltas"),
                        where + "a refused merge must leave the base alone: " + note);
            }
            assertEquals(HONEST + ADVERSARIES.size(), round.get("miners").size(), where + "miners in the report");
            for (JsonNode m : round.get("miners")) {
                assertTrue(m.get("hotkey").asText().startsWith("5"), where + "hotkey " + m);
                assertFalse(m.get("reason").asText().isBlank(), where + "every score has a reason: " + m);
            }
        }
        assertTrue(lastBase < firstBase, "the validator's base loss did not fall: " + firstBase + " -> " + lastBase);

        JsonNode fin = full.get("final");
        List<String> kinds = new ArrayList<>();
        fin.get("miners").forEach(m -> kinds.add(m.get("kind").asText()));
        assertEquals(HONEST, kinds.stream().filter("honest"::equals).count(), "honest miners in the final table");
        assertTrue(kinds.containsAll(ADVERSARIES), "every adversary in the final table: " + kinds);
        assertTrue(fin.get("verdict").asText().startsWith("PASS"), fin.get("verdict").asText() + "\nfinal: "
                + fin.get("miners") + "\nlog tail:\n" + tail(log));
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
