package io.tensorswarm.miner;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tensorswarm.common.model.ModelDirectory;
import io.tensorswarm.common.protocol.DeltaCodecs;
import io.tensorswarm.common.protocol.DeltaMetadata;
import io.tensorswarm.common.protocol.Sha256;
import io.tensorswarm.common.safetensors.SafetensorsHeader;
import io.tensorswarm.common.safetensors.SafetensorsReader;
import io.tensorswarm.common.tensor.DType;
import io.tensorswarm.common.tensor.ParameterSet;
import io.tensorswarm.common.testing.CliRun;
import io.tensorswarm.common.testing.TestModels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

class TrainCommandTest {
    @TempDir Path tmp;
    Path model;
    Path text;

    @BeforeEach
    void setUp() throws Exception {
        model = TestModels.writeMicroModel(tmp.resolve("base"), 3);
        text = TestModels.writeEnglishSample(tmp.resolve("data/sample.txt"));
    }

    private CliRun train(String... extra) {
        String[] base = {"--model", model.toString(), "--data", text.toString(), "--steps", "3", "--batch-size", "2",
            "--token-cache", tmp.resolve("cache").toString()};
        String[] args = new String[base.length + extra.length];
        System.arraycopy(base, 0, args, 0, base.length);
        System.arraycopy(extra, 0, args, base.length, extra.length);
        return CliRun.of(new TrainCommand(), args);
    }

    @Test
    void writesDeltaTaggedWithTheBaseRevisionAndTheModelsTensors() throws Exception {
        Path out = tmp.resolve("out/delta.safetensors");
        CliRun run = train("--out", out.toString(), "--json", "--codec", "fp32");
        assertEquals(0, run.exitCode(), run.err());

        ParameterSet delta = new SafetensorsReader().read(out);
        ParameterSet base = ModelDirectory.readWeights(model);
        assertEquals(base.names(), delta.names());
        for (String name : base.names()) {
            assertArrayEquals(base.require(name).shape(), delta.require(name).shape(), name);
            assertEquals(DType.F32, delta.require(name).dtype());
        }
        String revision = Sha256.ofFile(model.resolve(ModelDirectory.WEIGHTS_FILE));
        assertEquals(revision, delta.metadata().get(DeltaMetadata.BASE_REVISION));
        assertEquals(DeltaMetadata.KIND_DELTA, delta.metadata().get(DeltaMetadata.KIND));
        assertEquals("3", delta.metadata().get(DeltaMetadata.STEPS));

        JsonNode json = new ObjectMapper().readTree(run.out());
        assertEquals(Sha256.ofFile(out), json.get("delta_sha256").asText());
        assertEquals(3, json.get("steps").asInt());
        assertTrue(json.get("delta_l2_norm").asDouble() > 0, "training moved the weights");
    }

    @Test
    void bf16CodecStoresEveryTensorAsBf16() throws Exception {
        Path out = tmp.resolve("delta-bf16.safetensors");
        CliRun run = train("--out", out.toString(), "--codec", "bf16");
        assertEquals(0, run.exitCode(), run.err());
        SafetensorsHeader header = new SafetensorsReader().readHeader(out);
        assertTrue(header.entries().stream().allMatch(e -> e.dtype() == DType.BF16));
        assertEquals("bf16", header.metadata().get(DeltaMetadata.CODEC));
    }

    @ParameterizedTest
    @ValueSource(strings = {"int8", "topk", "sparseloco"})
    @Timeout(120)
    void writesDeltasInEveryProtocolCodecThatValidatorsDecode(String codec) throws Exception {
        Path out = tmp.resolve("delta-" + codec + ".safetensors");
        CliRun run = train("--out", out.toString(), "--codec", codec);
        assertEquals(0, run.exitCode(), run.err());
        ParameterSet stored = new SafetensorsReader().read(out);
        assertEquals(codec, stored.metadata().get(DeltaMetadata.CODEC));
        ParameterSet base = ModelDirectory.readWeights(model);
        ParameterSet delta = DeltaCodecs.forStored(stored).decode(stored, base);
        assertEquals(base.names(), delta.names());
    }

    @Test
    @Timeout(60)
    void aCodecTheProtocolDoesNotKnowIsAUsageErrorNamingTheKnownOnes() {
        Path out = tmp.resolve("d.safetensors");
        CliRun run = train("--out", out.toString(), "--codec", "fp16");
        assertEquals(2, run.exitCode());
        assertTrue(run.isOneLineError(), run.err());
        assertTrue(run.err().contains("--codec: unknown codec 'fp16'; known: fp32, bf16, int8, topk"), run.err());
        assertFalse(Files.exists(out));
    }

    @Test
    @Timeout(60)
    void theCodecFlagIsMinerRunsOwnWithItsDefaultAndTheProtocolsList() {
        OptionSpec train = new CommandLine(new TrainCommand()).getCommandSpec().findOption("--codec");
        OptionSpec run = new CommandLine(new RunCommand()).getCommandSpec().findOption("--codec");
        assertEquals(run.defaultValue(), train.defaultValue());
        String env = System.getenv("TS_CODEC");
        assertEquals(env != null ? env : DeltaCodecs.DEFAULT, train.defaultValue());
        List<String> listed = new ArrayList<>();
        train.completionCandidates().forEach(listed::add);
        assertEquals(DeltaCodecs.names(), listed);
    }

    @Test
    void missingModelDirectoryIsAOneLineError() {
        CliRun run = CliRun.of(new TrainCommand(), "--model", tmp.resolve("nope").toString(), "--data", text.toString(),
                "--steps", "1", "--out", tmp.resolve("d.safetensors").toString());
        assertEquals(1, run.exitCode());
        assertTrue(run.isOneLineError(), run.err());
        assertTrue(run.err().contains("nope"), run.err());
    }

    @Test
    void corruptWeightsAreAOneLineErrorAndNothingIsWritten() throws Exception {
        Files.write(model.resolve(ModelDirectory.WEIGHTS_FILE), new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9});
        Path out = tmp.resolve("d.safetensors");
        CliRun run = train("--out", out.toString());
        assertEquals(1, run.exitCode());
        assertTrue(run.isOneLineError(), run.err());
        assertFalse(Files.exists(out));
    }

    @Test
    void missingDataIsAOneLineError() {
        CliRun run = CliRun.of(new TrainCommand(), "--model", model.toString(), "--data",
                tmp.resolve("no-such-data").toString(), "--steps", "1", "--out", tmp.resolve("d.safetensors").toString());
        assertEquals(1, run.exitCode());
        assertTrue(run.isOneLineError(), run.err());
    }

    @Test
    void badOptionValuesAreUsageErrors() {
        Path out = tmp.resolve("d.safetensors");
        assertEquals(2, train("--out", out.toString(), "--pages", "lots").exitCode());
        assertEquals(2, train("--out", out.toString(), "--codec", "gzip").exitCode());
        assertEquals(2, train("--out", out.toString(), "--pages", "4", "--round", "3").exitCode());
        assertEquals(2, CliRun.of(new TrainCommand(), "--model", model.toString()).exitCode());
    }

    @Test
    void invalidTrainingSettingsAreOneLineErrors() {
        CliRun run = train("--out", tmp.resolve("d.safetensors").toString(), "--lr", "-1");
        assertEquals(1, run.exitCode());
        assertTrue(run.isOneLineError(), run.err());
    }

    @Test
    void assignedPagesDependOnRoundAndHotkey() throws Exception {
        Path a = tmp.resolve("a.safetensors");
        Path b = tmp.resolve("b.safetensors");
        Path c = tmp.resolve("c.safetensors");
        assertEquals(0, train("--out", a.toString(), "--pages", "4", "--round", "7", "--hotkey", "5Alice").exitCode());
        assertEquals(0, train("--out", b.toString(), "--pages", "4", "--round", "7", "--hotkey", "5Alice").exitCode());
        assertEquals(0, train("--out", c.toString(), "--pages", "4", "--round", "8", "--hotkey", "5Alice").exitCode());
        assertEquals(Sha256.ofFile(a), Sha256.ofFile(b), "same assignment, same seed: same delta");
        assertFalse(Sha256.ofFile(a).equals(Sha256.ofFile(c)), "another round trains on other pages");
    }
}
