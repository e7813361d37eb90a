package io.tensorswarm.common.safetensors;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tensorswarm.common.tensor.DType;
import io.tensorswarm.common.tensor.NamedTensor;
import io.tensorswarm.common.tensor.ParameterSet;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Interop with an independent Python reading of the spec: our files parse in {@code
 * scripts/safetensors_check.py} (numpy), and a file written by {@code
 * scripts/make_safetensors_fixture.py} reads here exactly.
 */
class SafetensorsPythonInteropTest {
    private static final Path PYTHON = Path.of("/usr/bin/python3");
    private static final Path SCRIPTS = Path.of(System.getProperty("user.dir")).getParent().resolve("scripts");

    @TempDir Path dir;

    private static byte[] fixture() throws IOException {
        try (InputStream in = SafetensorsPythonInteropTest.class.getResourceAsStream(
                "/safetensors/python-written.safetensors")) {
            return in.readAllBytes();
        }
    }

    @Test
    void readsTheFileWrittenByPythonExactly() throws IOException {
        Path file = Files.write(dir.resolve("python-written.safetensors"), fixture());
        ParameterSet set = new SafetensorsReader().read(file);
        // Buffer order of the Rust library: dtype descending in its enum order, then name.
        assertEquals(List.of("model.step", "model.f64", "model.embed.weight", "model.empty", "model.ids",
                "model.norm.weight", "model.norm.bias", "model.short", "model.quant", "model.bytes", "model.flags"),
                set.names());
        assertEquals(Map.of("format", "pt", "source", "python fixture"), set.metadata());
        assertArrayEquals(new float[] {0.5f, -1f, 2f, 3.25f, -4f, 0.125f}, set.require("model.embed.weight").toFloats());
        assertArrayEquals(new long[] {2, 3}, set.require("model.embed.weight").shape());
        assertArrayEquals(new long[] {0, 3}, set.require("model.empty").shape());
        assertEquals(DType.F16, set.require("model.norm.bias").dtype());
        assertArrayEquals(new float[] {1f, -0.5f, 65504f}, set.require("model.norm.bias").toFloats());
        assertArrayEquals(new float[] {1.5f, -3f}, set.require("model.norm.weight").toFloats());
        ByteBuffer f64 = set.require("model.f64").data();
        assertEquals(0.1, f64.getDouble(0));
        assertEquals(-2.5, f64.getDouble(8));
        assertEquals(7L, set.require("model.step").data().getLong(0));
        assertEquals(0, set.require("model.step").shape().length);
        ByteBuffer ids = set.require("model.ids").data();
        assertEquals(List.of(1, -2, 3, -4), List.of(ids.getInt(0), ids.getInt(4), ids.getInt(8), ids.getInt(12)));
        ByteBuffer shorts = set.require("model.short").data();
        assertEquals(-300, shorts.getShort(0));
        assertEquals(300, shorts.getShort(2));
        assertEquals(ByteBuffer.wrap(new byte[] {-128, 0, 127}), set.require("model.quant").data());
        assertEquals(ByteBuffer.wrap(new byte[] {0, (byte) 255}), set.require("model.bytes").data());
        assertEquals(ByteBuffer.wrap(new byte[] {1, 0}), set.require("model.flags").data());
    }

    @Test
    void rewritesThePythonFileByteForByte() throws IOException {
        byte[] original = fixture();
        ParameterSet set = new SafetensorsReader().read(new java.io.ByteArrayInputStream(original), "fixture");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        new SafetensorsWriter().write(set, out);
        assertArrayEquals(original, out.toByteArray());
    }

    @Test
    void pythonParsesOurFileToTheSameNamesShapesAndSums() throws Exception {
        assumePythonWithNumpy();
        ParameterSet set = ParameterSet.builder()
                .add(NamedTensor.ofFloats("w", new long[] {2, 2}, new float[] {1.5f, -2.25f, 3f, 0.125f}))
                .add(new NamedTensor("h", DType.F16, new long[] {2}, le(4, b -> b.putShort((short) 0x3c00)
                        .putShort((short) 0xc000)))) // 1.0, -2.0
                .add(new NamedTensor("i", DType.I64, new long[] {3}, le(24, b -> b.putLong(5).putLong(-7).putLong(1L << 40))))
                .add(new NamedTensor("q", DType.I8, new long[] {2}, ByteBuffer.wrap(new byte[] {-3, 4})))
                .add(new NamedTensor("s", DType.I32, new long[] {1}, le(4, b -> b.putInt(-100))))
                .add(NamedTensor.ofFloats("z", new long[] {0}, new float[0]))
                .putMetadata("format", "pt")
                .build();
        Path file = dir.resolve("ours.safetensors");
        new SafetensorsWriter().write(set, file);
        JsonNode plain = runCheck(file);
        assertEquals(List.of("w", "h", "i", "q", "s", "z"), names(plain));
        assertEquals(List.of(2.375, -1.0, 5.0 - 7.0 + (1L << 40), 1.0, -100.0, 0.0), sums(plain));
        assertEquals(List.of("[2,2]", "[2]", "[3]", "[2]", "[1]", "[0]"),
                plain.findValues("shape").stream().map(JsonNode::toString).toList());
        assertEquals("pt", plain.get("metadata").get("format").asText());

        Path bf16 = dir.resolve("ours-bf16.safetensors");
        SafetensorsWriter.convertingF32To(DType.BF16).write(set, bf16);
        JsonNode converted = runCheck(bf16);
        assertEquals("BF16", converted.get("tensors").get(0).get("dtype").asText());
        assertEquals(2.375, converted.get("tensors").get(0).get("sum").asDouble()); // exact in bf16
        assertEquals(List.of("ok", "ok"), List.of(packageVerdict(plain), packageVerdict(converted)));
    }

    private static String packageVerdict(JsonNode result) {
        String v = result.get("safetensors_package").asText();
        return v.equals("absent") || v.equals("agrees") ? "ok" : v;
    }

    private static ByteBuffer le(int size, java.util.function.Consumer<ByteBuffer> fill) {
        ByteBuffer b = ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
        fill.accept(b);
        return b.flip();
    }

    private static List<String> names(JsonNode result) {
        List<String> out = new ArrayList<>();
        result.get("tensors").forEach(t -> out.add(t.get("name").asText()));
        return out;
    }

    private static List<Double> sums(JsonNode result) {
        List<Double> out = new ArrayList<>();
        result.get("tensors").forEach(t -> out.add(t.get("sum").asDouble()));
        return out;
    }

    private static JsonNode runCheck(Path file) throws Exception {
        Process p = new ProcessBuilder(PYTHON.toString(), SCRIPTS.resolve("safetensors_check.py").toString(),
                file.toString()).redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("safetensors_check.py did not finish");
        }
        String text = new String(out, StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), text);
        return new ObjectMapper().readTree(text);
    }

    private static void assumePythonWithNumpy() throws InterruptedException {
        boolean available = false;
        if (Files.isExecutable(PYTHON)) {
            try {
                Process p = new ProcessBuilder(PYTHON.toString(), "-c", "import numpy").redirectErrorStream(true).start();
                p.getInputStream().readAllBytes();
                available = p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0;
            } catch (IOException e) {
                available = false;
            }
        }
        if (!available) {
            System.err.println("SKIPPED python interop: /usr/bin/python3 with numpy is not available"
                    + " (apt-get install -y python3-numpy)");
        }
        Assumptions.assumeTrue(available, "/usr/bin/python3 with numpy is not available (apt-get install python3-numpy)");
    }
}
