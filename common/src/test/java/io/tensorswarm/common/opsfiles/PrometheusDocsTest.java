package io.tensorswarm.common.opsfiles;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Prometheus scrape configuration and alert rules in {@code docs/operations.md}: promtool accepts
 * them, and {@code promtool test rules} shows each alert firing on the series a sick daemon exports
 * and staying quiet for a healthy one. The metric names are the ones {@code DaemonMetrics} exports.
 * Skipped, with a NOTICE, without promtool (Debian package {@code prometheus}).
 */
class PrometheusDocsTest {
    private static final Path DOC = OpsFiles.ROOT.resolve("docs/operations.md");
    private static Path promtool;

    @TempDir Path tmp;

    @BeforeAll
    static void needsPromtool() {
        promtool = OpsFiles.onPath("promtool");
        OpsFiles.requireOrSkip(promtool != null, "PrometheusDocsTest", "promtool is not on PATH (apt-get install prometheus)");
    }

    @Test
    void theScrapeConfigurationIsValidAndScrapesTheFourDefaultPorts() throws Exception {
        String config = yamlBlock("scrape_configs:");
        for (String port : List.of("9101", "9102", "9103", "9104")) {
            assertTrue(config.contains("'127.0.0.1:" + port + "'"), port);
        }
        Path file = Files.writeString(tmp.resolve("prometheus.yml"), config);
        OpsFiles.Result r = OpsFiles.run(List.of(promtool.toString(), "check", "config", file.toString()), tmp, Map.of(),
                Duration.ofSeconds(60));
        assertEquals(0, r.exit(), r.describe());
    }

    @Test
    void eachAlertFiresForASickDaemonAndNotForAHealthyOne() throws Exception {
        Files.writeString(tmp.resolve("rules.yml"), yamlBlock("groups:"));
        // promtool's clock starts at Unix time 0; values are per 1-minute step. "a" is healthy,
        // "b" is sick in the way each alert describes.
        String a = "{job=\"tensorswarm\",instance=\"a\",service=\"validator\"}";
        String b = "{job=\"tensorswarm\",instance=\"b\",service=\"validator\"}";
        String c = "{job=\"tensorswarm\",instance=\"c\",service=\"miner\"}";
        List<String> series = List.of(
                series("up" + a, "1x200"),
                series("up" + b, "1x20 0x180"), // down from minute 21
                series("process_start_time_seconds" + a, "0x200"),
                series("process_start_time_seconds" + b, "0x200"),
                series("process_start_time_seconds" + c, "0x200"),
                // a progresses every minute; b last at minute 10; c never since its start
                series("tensorswarm_last_progress_timestamp_seconds" + a, "0+60x200"),
                series("tensorswarm_last_progress_timestamp_seconds" + b, "0+60x10 600x190"),
                series("tensorswarm_last_progress_timestamp_seconds" + c, "0x200"),
                // a completes a round every 10 minutes and sets weights; b never does
                series("tensorswarm_rounds_completed_total" + a, "0+0.1x200"),
                series("tensorswarm_rounds_completed_total" + b, "0x200"),
                series("tensorswarm_weights_set_total" + a, "0+0.1x200"),
                series("tensorswarm_weights_set_total" + b, "0x200"),
                // a has an error an hour; b two a minute
                series("tensorswarm_errors_total" + a.replace("}", ",kind=\"chain\"}"), "0+0.0166x200"),
                series("tensorswarm_errors_total" + b.replace("}", ",kind=\"storage_x\"}"), "0+2x200"));
        String labelsB = "{job: tensorswarm, instance: b, service: validator}";
        String labelsC = "{job: tensorswarm, instance: c, service: miner}";
        List<String> checks = List.of(
                check("20m", "TensorswarmDown", null),
                check("30m", "TensorswarmDown", labelsB), // down 9 minutes, for: 5m
                check("33m", "TensorswarmStalled", null), // b idle 23 min; c pending since 31m (for: 5m)
                check("50m", "TensorswarmStalled", labelsB + "\n" + labelsC),
                check("100m", "TensorswarmNoRoundCompleted", null), // younger than 2 h
                check("190m", "TensorswarmNoRoundCompleted", labelsB),
                check("190m", "TensorswarmValidatorSetsNoWeights", labelsB),
                check("5m", "TensorswarmErrors", null),
                check("40m", "TensorswarmErrors", "{instance: b, service: validator, kind: storage_x}"));
        String test = "rule_files: [rules.yml]\nevaluation_interval: 1m\ntests:\n  - interval: 1m\n    input_series:\n"
                + String.join("", series) + "    alert_rule_test:\n" + String.join("", checks);
        Path file = Files.writeString(tmp.resolve("test.yml"), test);

        OpsFiles.Result r = OpsFiles.run(List.of(promtool.toString(), "test", "rules", file.toString()), tmp, Map.of(),
                Duration.ofSeconds(60));
        assertEquals(0, r.exit(), r.describe() + "\n" + test);
    }

    private static String series(String name, String values) {
        return "      - series: '" + name + "'\n        values: '" + values + "'\n";
    }

    /** One expectation: at {@code at}, alert {@code name} fires for exactly these label sets (none when null). */
    private static String check(String at, String name, String labelSets) {
        StringBuilder s = new StringBuilder("      - eval_time: " + at + "\n        alertname: " + name + "\n");
        if (labelSets == null) {
            return s.append("        exp_alerts: []\n").toString();
        }
        s.append("        exp_alerts:\n");
        for (String labels : labelSets.split("\n")) {
            s.append("          - exp_labels: ").append(labels).append('\n');
        }
        return s.toString();
    }

    /** The fenced yaml block of the doc whose first line is {@code firstLine}. */
    private static String yamlBlock(String firstLine) throws IOException {
        List<String> lines = Files.readAllLines(DOC);
        for (int i = 0; i < lines.size() - 1; i++) {
            if (lines.get(i).equals("```yaml") && lines.get(i + 1).equals(firstLine)) {
                List<String> block = new ArrayList<>();
                for (int j = i + 1; !lines.get(j).equals("```"); j++) {
                    block.add(lines.get(j));
                }
                return String.join("\n", block) + "\n";
            }
        }
        throw new AssertionError("no ```yaml block starting with " + firstLine + " in " + DOC);
    }
}
