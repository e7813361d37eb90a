package io.tensorswarm.validator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tensorswarm.common.model.GptModel;
import io.tensorswarm.common.model.ModelDirectory;
import io.tensorswarm.common.protocol.DeltaCodecs;
import io.tensorswarm.common.protocol.DeltaMetadata;
import io.tensorswarm.common.protocol.Sha256;
import io.tensorswarm.common.safetensors.SafetensorsWriter;
import io.tensorswarm.common.tensor.Deltas;
import io.tensorswarm.common.tensor.NamedTensor;
import io.tensorswarm.common.tensor.ParameterSet;
import io.tensorswarm.common.testing.CliRun;
import io.tensorswarm.common.testing.TestModels;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class EvaluateCommandTest {
    @TempDir Path tmp;
    Path model;
    Path text;
    ParameterSet base;
    String revision;

    @BeforeEach
    void setUp() throws Exception {
        model = TestModels.writeMicroModel(tmp.resolve("base"), 3);
        text = TestModels.writeEnglishSample(tmp.resolve("data/sample.txt"));
        base = ModelDirectory.readWeights(model);
        revision = Sha256.ofFile(model.resolve(ModelDirectory.WEIGHTS_FILE));
    }

    /** A delta pointing a tenth of the way from the base to another initialisation. */
    private ParameterSet someDelta() {
        Path other = TestModels.writeMicroModel(tmp.resolve("other"), 4);
        ParameterSet toward = Deltas.compute(ModelDirectory.readWeights(other), base);
        return Deltas.weightedSum(java.util.List.of(toward), new float[] {0.1f});
    }

    private Path writeDelta(ParameterSet delta, String baseRevision) throws Exception {
        ParameterSet.Builder b = delta.toBuilder().putMetadata(DeltaMetadata.KIND, DeltaMetadata.KIND_DELTA);
        if (baseRevision != null) {
            b.putMetadata(DeltaMetadata.BASE_REVISION, baseRevision);
        }
        Path file = tmp.resolve("delta-" + System.nanoTime() + ".safetensors");
        new SafetensorsWriter().write(b.build(), file);
        return file;
    }

    private CliRun evaluate(String... extra) {
        String[] head = {"--model", model.toString(), "--data", text.toString(), "--json",
            "--token-cache", tmp.resolve("cache").toString()};
        String[] args = Arrays.copyOf(head, head.length + extra.length);
        System.arraycopy(extra, 0, args, head.length, extra.length);
        return CliRun.of(new EvaluateCommand(), args);
    }

    @Test
    void lossAfterTheDeltaEqualsTheLossOfTheMergedModel() throws Exception {
        ParameterSet delta = someDelta();
        Path deltaFile = writeDelta(delta, revision);
        Path merged = tmp.resolve("merged");
        try (GptModel m = GptModel.fromParameters(TestModels.micro(), Deltas.apply(base, delta, 1f), Device.cpu())) {
            ModelDirectory.save(m, merged);
        }

        CliRun scored = evaluate("--delta", deltaFile.toString(), "--pages", "all");
        assertEquals(0, scored.exitCode(), scored.err());
        JsonNode s = new ObjectMapper().readTree(scored.out());

        CliRun plain = CliRun.of(new EvaluateCommand(), "--model", merged.toString(), "--data", text.toString(),
                "--json", "--pages", "all", "--token-cache", tmp.resolve("cache").toString());
        assertEquals(0, plain.exitCode(), plain.err());
        JsonNode p = new ObjectMapper().readTree(plain.out());

        assertEquals(p.get("loss_base").asDouble(), s.get("loss_after").asDouble(), 1e-5);
        assertEquals(s.get("loss_base").asDouble() - s.get("loss_after").asDouble(), s.get("improvement").asDouble(), 1e-12);
        assertFalse(p.has("loss_after"), "no delta, no loss_after");
    }

    @ParameterizedTest
    @ValueSource(strings = {"int8", "topk", "sparseloco", "bf16", "fp32"})
    @Timeout(120)
    void aDeltaInAnyProtocolCodecIsDecodedAgainstTheBaseAsValidatorsDo(String codec) throws Exception {
        ParameterSet stored = DeltaCodecs.forName(codec).encode(someDelta().toBuilder()
                .putMetadata(DeltaMetadata.KIND, DeltaMetadata.KIND_DELTA)
                .putMetadata(DeltaMetadata.BASE_REVISION, revision).build());
        Path file = tmp.resolve(codec + ".safetensors");
        new SafetensorsWriter().write(stored, file);
        ParameterSet decoded = DeltaCodecs.forStored(stored).decode(stored, base);
        Path merged = tmp.resolve("merged-" + codec);
        try (GptModel m = GptModel.fromParameters(TestModels.micro(), Deltas.apply(base, decoded, 1f), Device.cpu())) {
            ModelDirectory.save(m, merged);
        }

        CliRun scored = evaluate("--delta", file.toString(), "--pages", "4");
        assertEquals(0, scored.exitCode(), scored.err());
        CliRun plain = CliRun.of(new EvaluateCommand(), "--model", merged.toString(), "--data", text.toString(),
                "--json", "--pages", "4", "--token-cache", tmp.resolve("cache").toString());
        assertEquals(0, plain.exitCode(), plain.err());
        assertEquals(new ObjectMapper().readTree(plain.out()).get("loss_base").asDouble(),
                new ObjectMapper().readTree(scored.out()).get("loss_after").asDouble(), 1e-5);
    }

    @Test
    @Timeout(60)
    void aDeltaInACodecTheProtocolDoesNotKnowIsAOneLineErrorNamingTheKnownOnes() throws Exception {
        ParameterSet fp16 = someDelta().toBuilder().putMetadata(DeltaMetadata.CODEC, "fp16").build();
        CliRun run = evaluate("--delta", writeDelta(fp16, revision).toString(), "--pages", "2");
        assertEquals(1, run.exitCode());
        assertTrue(run.isOneLineError(), run.err());
        assertTrue(run.err().contains("codec 'fp16', which the protocol does not know (known: fp32, bf16, int8, topk, sparseloco)"),
                run.err());
    }

    @Test
    void allPagesAreEveryCompleteWindowFromTheStart() throws Exception {
        CliRun run = evaluate("--pages", "all");
        assertEquals(0, run.exitCode(), run.err());
        JsonNode r = new ObjectMapper().readTree(run.out());
        long bytes = Files.readString(text).getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
        long windows = bytes / 16;
        assertEquals(windows, r.get("pages").asLong());
        assertEquals(windows * 15, r.get("tokens").asLong(), "15 predicted positions per 16-token window");
    }

    @Test
    void aDeltaWithANonFiniteValueIsRejectedNamingTheTensor() throws Exception {
        ParameterSet delta = someDelta();
        NamedTensor first = delta.tensors().get(0);
        float[] values = first.toFloats();
        values[values.length / 2] = Float.NaN;
        Path file = writeDelta(delta.toBuilder().put(NamedTensor.ofFloats(first.name(), first.shape(), values)).build(), revision);
        CliRun run = evaluate("--delta", file.toString(), "--pages", "2");
        assertEquals(1, run.exitCode());
        assertTrue(run.isOneLineError(), run.err());
        assertTrue(run.err().contains(first.name()), run.err());
    }

    @Test
    void aDeltaComputedAgainstAnotherBaseIsRefusedUnlessAllowed() throws Exception {
        Path file = writeDelta(someDelta(), "ab".repeat(32));
        CliRun run = evaluate("--delta", file.toString(), "--pages", "2");
        assertEquals(1, run.exitCode());
        assertTrue(run.isOneLineError(), run.err());
        assertTrue(run.err().contains("base revision"), run.err());
        assertEquals(0, evaluate("--delta", file.toString(), "--pages", "2", "--allow-other-base").exitCode());
    }

    @Test
    void aDeltaWithAMissingOrMisShapedTensorIsRejected() throws Exception {
        ParameterSet delta = someDelta();
        ParameterSet.Builder missing = ParameterSet.builder();
        delta.tensors().stream().skip(1).forEach(missing::add);
        CliRun run = evaluate("--delta", writeDelta(missing.build(), revision).toString(), "--pages", "2");
        assertEquals(1, run.exitCode());
        assertTrue(run.isOneLineError(), run.err());

        NamedTensor first = delta.tensors().get(0);
        ParameterSet reshaped = delta.toBuilder()
                .put(NamedTensor.ofFloats(first.name(), new long[] {first.elementCount()}, first.toFloats()))
                .build();
        CliRun shape = evaluate("--delta", writeDelta(reshaped, revision).toString(), "--pages", "2");
        assertEquals(1, shape.exitCode());
        assertTrue(shape.isOneLineError(), shape.err());
    }

    @Test
    void truncatedAndHostileDeltaFilesAreOneLineErrors() throws Exception {
        Path good = writeDelta(someDelta(), revision);
        byte[] bytes = Files.readAllBytes(good);
        Path truncated = tmp.resolve("truncated.safetensors");
        Files.write(truncated, Arrays.copyOf(bytes, bytes.length - 100));
        CliRun t = evaluate("--delta", truncated.toString(), "--pages", "2");
        assertEquals(1, t.exitCode());
        assertTrue(t.isOneLineError(), t.err());

        // A header length of 2^62 bytes: must be refused before anything is allocated.
        Path hostile = tmp.resolve("hostile.safetensors");
        ByteBuffer b = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(1L << 62).putLong(0);
        Files.write(hostile, b.array());
        CliRun h = evaluate("--delta", hostile.toString(), "--pages", "2");
        assertEquals(1, h.exitCode());
        assertTrue(h.isOneLineError(), h.err());
    }
}
