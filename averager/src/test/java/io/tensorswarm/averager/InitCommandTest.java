package io.tensorswarm.averager;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tensorswarm.common.model.GptConfig;
import io.tensorswarm.common.model.ModelDirectory;
import io.tensorswarm.common.protocol.Sha256;
import io.tensorswarm.common.testing.CliRun;
import io.tensorswarm.common.testing.TestModels;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InitCommandTest {
    @TempDir Path tmp;

    @Test
    void writesTheTinyPresetAndPrintsItsRevision() throws Exception {
        Path out = tmp.resolve("base");
        CliRun run = CliRun.of(new InitCommand(), "--preset", "tiny", "--seed", "1", "--out", out.toString());
        assertEquals(0, run.exitCode(), run.err());
        assertEquals(GptConfig.preset("tiny"), ModelDirectory.readConfig(out));
        String revision = Sha256.ofFile(out.resolve(ModelDirectory.WEIGHTS_FILE));
        assertTrue(run.out().contains(revision), run.out());
    }

    @Test
    void sameSeedGivesTheSameRevision() throws Exception {
        Path config = tmp.resolve("micro.json");
        TestModels.micro().write(config);
        Path a = tmp.resolve("a");
        Path b = tmp.resolve("b");
        assertEquals(0, CliRun.of(new InitCommand(), "--config", config.toString(), "--seed", "5", "--out", a.toString()).exitCode());
        assertEquals(0, CliRun.of(new InitCommand(), "--config", config.toString(), "--seed", "5", "--out", b.toString()).exitCode());
        assertEquals(Sha256.ofFile(a.resolve(ModelDirectory.WEIGHTS_FILE)), Sha256.ofFile(b.resolve(ModelDirectory.WEIGHTS_FILE)));
    }

    @Test
    void refusesToOverwriteAModelWithoutForce() throws Exception {
        Path config = tmp.resolve("micro.json");
        TestModels.micro().write(config);
        Path out = tmp.resolve("base");
        assertEquals(0, CliRun.of(new InitCommand(), "--config", config.toString(), "--out", out.toString()).exitCode());
        byte[] before = Files.readAllBytes(out.resolve(ModelDirectory.WEIGHTS_FILE));
        CliRun again = CliRun.of(new InitCommand(), "--config", config.toString(), "--seed", "9", "--out", out.toString());
        assertEquals(1, again.exitCode());
        assertTrue(again.isOneLineError(), again.err());
        assertTrue(java.util.Arrays.equals(before, Files.readAllBytes(out.resolve(ModelDirectory.WEIGHTS_FILE))));
        assertEquals(0, CliRun.of(new InitCommand(), "--config", config.toString(), "--seed", "9", "--out",
                out.toString(), "--force").exitCode());
    }

    @Test
    void unknownPresetAndMalformedConfigAreOneLineErrors() throws Exception {
        CliRun preset = CliRun.of(new InitCommand(), "--preset", "gpt5", "--out", tmp.resolve("x").toString());
        assertEquals(1, preset.exitCode());
        assertTrue(preset.isOneLineError(), preset.err());

        Path bad = tmp.resolve("bad.json");
        Files.writeString(bad, "{\"n_embd\": 30, \"n_head\": 4, ");
        CliRun config = CliRun.of(new InitCommand(), "--config", bad.toString(), "--out", tmp.resolve("y").toString());
        assertEquals(1, config.exitCode());
        assertTrue(config.isOneLineError(), config.err());
    }

    @Test
    void presetAndConfigAreMutuallyExclusive() {
        assertEquals(2, CliRun.of(new InitCommand(), "--out", tmp.resolve("z").toString()).exitCode());
        assertEquals(2, CliRun.of(new InitCommand(), "--preset", "tiny", "--config", "c.json", "--out",
                tmp.resolve("z").toString()).exitCode());
    }

    @Test
    void aGpt2PresetWithoutAnInstalledTokenizerIsAOneLineErrorNamingTheScript() {
        // The test's working directory (the module) holds no data/tokenizers/gpt2.
        CliRun run = CliRun.of(new InitCommand(), "--preset", "gpt2", "--out", tmp.resolve("g").toString());
        assertEquals(1, run.exitCode());
        assertTrue(run.isOneLineError(), run.err());
        assertTrue(run.err().contains("fetch-gpt2-tokenizer.sh"), run.err());
    }
}
