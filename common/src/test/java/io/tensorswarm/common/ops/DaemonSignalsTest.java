package io.tensorswarm.common.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tensorswarm.common.testing.ChildJvm;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** SIGTERM, the grace limit and the log formats, on a real child JVM running {@link OpsProbe}. */
class DaemonSignalsTest {
    private static final Duration START = Duration.ofSeconds(30);
    /** What the JVM exits with after running its hooks for SIGTERM (128 + 15). */
    private static final int SIGTERM_EXIT = 143;

    @TempDir Path dir;

    private void assertCompleteState(Path state) throws Exception {
        String text = Files.readString(state);
        Matcher m = Pattern.compile("step=(\\d+)\nend=(\\d+)\n").matcher(text);
        assertTrue(m.matches(), "state file is torn: " + text);
        assertEquals(m.group(1), m.group(2));
    }

    @Test
    void sigtermFinishesTheCurrentStepAndExitsWithinTheGrace() throws Exception {
        Path state = dir.resolve("state");
        try (ChildJvm probe = ChildJvm.start(OpsProbe.class,
                List.of("--state", state.toString(), "--step-ms", "400", "--shutdown.grace", "PT10S"), Map.of(),
                dir.resolve("out.log"))) {
            assertTrue(probe.awaitOutput("step 2 done", START), probe.output());
            long sent = System.nanoTime();
            probe.sigterm();
            assertEquals(SIGTERM_EXIT, probe.awaitExit(Duration.ofSeconds(10)));
            assertTrue(System.nanoTime() - sent < Duration.ofSeconds(5).toNanos(), "took too long to stop");
            String out = probe.output();
            assertTrue(out.contains("loop returned after step"), out);
            assertTrue(out.contains("stopped cleanly"), out);
            assertCompleteState(state);
        }
    }

    @Test
    void aLoopThatIgnoresTheStopIsAbandonedWhenTheGraceRunsOut() throws Exception {
        Path state = dir.resolve("state");
        try (ChildJvm probe = ChildJvm.start(OpsProbe.class,
                List.of("--state", state.toString(), "--step-ms", "300", "--ignore-stop", "--shutdown.grace", "PT1S"),
                Map.of(), dir.resolve("out.log"))) {
            assertTrue(probe.awaitOutput("step 1 done", START), probe.output());
            long sent = System.nanoTime();
            probe.sigterm();
            assertEquals(SIGTERM_EXIT, probe.awaitExit(Duration.ofSeconds(10)));
            long tookMs = (System.nanoTime() - sent) / 1_000_000;
            assertTrue(tookMs >= 900 && tookMs < 6000, "exit after " + tookMs + " ms");
            assertTrue(probe.output().contains("grace period of 1 s ran out"), probe.output());
            assertCompleteState(state);
        }
    }

    @Test
    void textLogsCarryTheDaemonsIdentity() throws Exception {
        try (ChildJvm probe = ChildJvm.start(OpsProbe.class,
                List.of("--state", dir.resolve("state").toString()), Map.of(), dir.resolve("out.log"))) {
            assertTrue(probe.awaitOutput("step 1 done", START), probe.output());
            probe.sigterm();
            probe.awaitExit(Duration.ofSeconds(10));
            String line = probe.output().lines().filter(l -> l.contains("step 1 done")).findFirst().orElseThrow();
            assertTrue(line.contains("INFO  [validator 5FHne…94ty netuid=3] OpsProbe - step 1 done"), line);
        }
    }

    @Test
    void jsonLogsAreOneObjectPerLineWithTheIdentityAsFields() throws Exception {
        try (ChildJvm probe = ChildJvm.start(OpsProbe.class,
                List.of("--state", dir.resolve("state").toString(), "--logging.format", "json", "--metrics.port", "0"),
                Map.of(), dir.resolve("out.log"))) {
            assertTrue(probe.awaitOutput("step 1 done", START), probe.output());
            probe.sigterm();
            probe.awaitExit(Duration.ofSeconds(10));
            ObjectMapper json = new ObjectMapper();
            List<String> lines = probe.output().lines().filter(l -> !l.isBlank()).toList();
            assertTrue(lines.size() >= 3, probe.output());
            JsonNode step = null;
            for (String line : lines) {
                JsonNode node = json.readTree(line); // every line parses
                if (node.path("message").asText().equals("step 1 done")) {
                    step = node;
                }
            }
            assertTrue(step != null, probe.output());
            assertEquals("validator", step.get("daemon").asText());
            assertEquals("5FHneW46xGXgs5mUiveU4sbTyGBzmstUspZC92UhjJM694ty", step.get("hotkey").asText());
            assertEquals("3", step.get("netuid").asText());
            assertEquals("INFO", step.get("level").asText());
        }
    }
}
