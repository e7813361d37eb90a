package io.tensorswarm.common.opsfiles;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The shell scripts in {@code scripts/ops/} are executable and pass shellcheck (skipped, with a NOTICE, without it). */
class OpsScriptsLintTest {
    @Test
    void opsScriptsAreExecutableAndPassShellcheck() throws Exception {
        List<Path> scripts;
        try (Stream<Path> files = Files.list(OpsFiles.OPS)) {
            scripts = files.filter(p -> p.toString().endsWith(".sh")).sorted().toList();
        }
        assertFalse(scripts.isEmpty());
        for (Path script : scripts) {
            assertTrue(Files.isExecutable(script), script + " must be executable (systemd and pm2 run it directly)");
        }
        Path shellcheck = OpsFiles.onPath("shellcheck");
        OpsFiles.requireOrSkip(shellcheck != null, "OpsScriptsLintTest", "shellcheck is not on PATH (apt-get install shellcheck)");
        List<String> cmd = new ArrayList<>(List.of(shellcheck.toString()));
        scripts.forEach(s -> cmd.add(s.toString()));
        OpsFiles.Result r = OpsFiles.run(cmd, OpsFiles.ROOT, Map.of(), Duration.ofSeconds(60));
        assertEquals(0, r.exit(), r.describe());
    }
}
