package io.tensorswarm.common.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs {@code scripts/fixtures/gpt2_reference.py} with Debian's {@code /usr/bin/python3} for tests. */
final class PythonReference {
    static final Path PYTHON = Path.of("/usr/bin/python3");
    static final Path SCRIPT = Path.of("..", "scripts", "fixtures", "gpt2_reference.py");
    static final Path FIXTURE = Path.of("src", "test", "resources", "fixtures", "gpt2-tiny-ref");

    private PythonReference() {}

    /** Returns whether {@code /usr/bin/python3} can import torch; prints why not otherwise. */
    static boolean torchAvailable() {
        if (!Files.isExecutable(PYTHON)) {
            System.err.println("SKIPPED Python reference check: " + PYTHON + " not found");
            return false;
        }
        try {
            Process p = new ProcessBuilder(PYTHON.toString(), "-c", "import torch, numpy").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            if (p.waitFor(120, TimeUnit.SECONDS) && p.exitValue() == 0) {
                return true;
            }
        } catch (IOException e) {
            // fall through
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        System.err.println("SKIPPED Python reference check: torch is not importable by " + PYTHON
                + " (apt-get install -y python3-torch)");
        return false;
    }

    /** Runs {@code --check dir --ids json} and returns the parsed output ({@code logits}, {@code loss}). */
    static JsonNode check(Path dir, int[][] ids) throws IOException, InterruptedException {
        ObjectMapper json = new ObjectMapper();
        List<String> cmd = new ArrayList<>(List.of(PYTHON.toString(), SCRIPT.toString(), "--check", dir.toString(),
                "--ids", json.writeValueAsString(ids)));
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(300, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException("reference script failed: " + new String(out, StandardCharsets.UTF_8));
        }
        return json.readTree(out);
    }

    /** Returns the committed fixture's reference.json. */
    static JsonNode reference() throws IOException {
        return new ObjectMapper().readTree(FIXTURE.resolve("reference.json").toFile());
    }

    static int[][] ids(JsonNode node) {
        int[][] out = new int[node.size()][];
        for (int i = 0; i < node.size(); i++) {
            JsonNode row = node.get(i);
            out[i] = new int[row.size()];
            for (int j = 0; j < row.size(); j++) {
                out[i][j] = row.get(j).intValue();
            }
        }
        return out;
    }
}
