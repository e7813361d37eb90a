package io.tensorswarm.common.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.tensorswarm.common.tensor.DType;
import io.tensorswarm.common.tensor.HalfFloats;
import io.tensorswarm.common.tensor.NamedTensor;
import io.tensorswarm.common.tensor.ParameterSet;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class GptModelTest {
    static final GptConfig MICRO = new GptConfig(50, 16, 16, 2, 2, null, "gelu_new", 1e-5, 0.02, 0, 0, 0, true,
            null, null, Map.of());

    @BeforeAll
    static void engine() {
        TorchRuntime.configure();
    }

    @Test
    void parametersHaveHuggingFaceNamesShapesAndOrder() {
        try (GptModel model = GptModel.create(MICRO, 1, Device.cpu())) {
            ParameterSet p = model.parameters();
            assertEquals(4 + 12 * 2, p.size());
            List<String> names = p.names();
            assertEquals("transformer.wte.weight", names.get(0));
            assertEquals("transformer.wpe.weight", names.get(1));
            assertEquals("transformer.h.0.ln_1.weight", names.get(2));
            assertEquals("transformer.h.0.attn.c_attn.weight", names.get(4));
            assertEquals("transformer.h.1.mlp.c_proj.bias", names.get(25));
            assertEquals("transformer.ln_f.bias", names.get(27));
            assertArrayEquals(new long[] {16, 48}, p.require("transformer.h.0.attn.c_attn.weight").shape());
            assertArrayEquals(new long[] {16, 64}, p.require("transformer.h.1.mlp.c_fc.weight").shape());
            assertArrayEquals(new long[] {64, 16}, p.require("transformer.h.1.mlp.c_proj.weight").shape());
            assertEquals(MICRO.parameterCount(), p.elementCount());
        }
    }

    @Test
    void initialisationFollowsGpt2AndIsDeterministicPerSeed() {
        try (GptModel a = GptModel.create(MICRO, 7, Device.cpu());
                GptModel b = GptModel.create(MICRO, 7, Device.cpu());
                GptModel c = GptModel.create(MICRO, 8, Device.cpu())) {
            ParameterSet pa = a.parameters();
            float[] wa = pa.require("transformer.h.0.attn.c_attn.weight").toFloats();
            assertArrayEquals(wa, b.parameters().require("transformer.h.0.attn.c_attn.weight").toFloats());
            assertFalse(java.util.Arrays.equals(wa, c.parameters().require("transformer.h.0.attn.c_attn.weight").toFloats()));
            assertEquals(0.02, std(wa), 0.003);
            float[] proj = pa.require("transformer.h.0.attn.c_proj.weight").toFloats();
            assertEquals(0.02 / Math.sqrt(4), std(proj), 0.002);
            for (float v : pa.require("transformer.h.1.ln_2.weight").toFloats()) {
                assertEquals(1f, v);
            }
            for (float v : pa.require("transformer.h.1.mlp.c_fc.bias").toFloats()) {
                assertEquals(0f, v);
            }
        }
    }

    @Test
    void logitsHaveBatchTimeVocabShapeAndAreCausal() {
        try (GptModel model = GptModel.create(MICRO, 3, Device.cpu());
                NDManager scope = NDManager.newBaseManager()) {
            NDArray full = model.logits(scope, new int[][] {{1, 2, 3, 4}, {5, 6, 7, 8}});
            assertArrayEquals(new long[] {2, 4, 50}, full.getShape().getShape());
            NDArray prefix = model.logits(scope, new int[][] {{1, 2, 9, 9}});
            float[] f = full.toFloatArray();
            float[] p = prefix.toFloatArray();
            for (int i = 0; i < 2 * 50; i++) {
                assertEquals(f[i], p[i], 1e-6, "position " + i / 50 + " must not see later tokens");
            }
            assertNotEquals(f[2 * 50], p[2 * 50]);
        }
    }

    @Test
    void inferenceLeavesNoArraysInTheModelManager() {
        try (GptModel model = GptModel.create(MICRO, 3, Device.cpu());
                NDManager scope = NDManager.newBaseManager()) {
            model.logits(scope, new int[][] {{1, 2, 3}}).close();
            int before = model.managedArrayCount();
            for (int i = 0; i < 20; i++) {
                model.logits(scope, new int[][] {{1, 2, 3}}).close();
            }
            assertEquals(before, model.managedArrayCount());
            assertEquals(0, ((ai.djl.ndarray.BaseNDManager) scope).getManagedArrays().size());
        }
    }

    @Test
    void loadParametersAcceptsBareHubNamesBuffersTiedHeadAndHalfPrecision() {
        try (GptModel source = GptModel.create(MICRO, 11, Device.cpu());
                GptModel target = GptModel.create(MICRO, 12, Device.cpu())) {
            ParameterSet p = source.parameters();
            ParameterSet.Builder hub = ParameterSet.builder();
            for (NamedTensor t : p) {
                String bare = t.name().substring("transformer.".length());
                if (bare.equals("ln_f.weight")) {
                    hub.add(toBf16(t.withName(bare)));
                } else {
                    hub.add(t.withName(bare));
                }
            }
            hub.add(NamedTensor.ofFloats("h.0.attn.bias", new long[] {1, 1, 16, 16}, new float[256]));
            hub.add(p.require("transformer.wte.weight").withName("lm_head.weight"));
            target.loadParameters(hub.build());
            ParameterSet loaded = target.parameters();
            assertArrayEquals(p.require("transformer.h.1.attn.c_attn.weight").toFloats(),
                    loaded.require("transformer.h.1.attn.c_attn.weight").toFloats());
            // ln_f.weight is all ones: exact in bf16
            assertArrayEquals(p.require("transformer.ln_f.weight").toFloats(),
                    loaded.require("transformer.ln_f.weight").toFloats());
        }
    }

    @Test
    void loadParametersRejectsMissingUnexpectedMisshapedAndUntiedTensorsWithoutChangingWeights() {
        try (GptModel model = GptModel.create(MICRO, 11, Device.cpu())) {
            ParameterSet p = model.parameters();
            ParameterSet.Builder missing = ParameterSet.builder();
            p.tensors().stream().filter(t -> !t.name().equals("transformer.h.1.ln_1.bias")).forEach(missing::add);
            ModelWeightsException e = assertThrows(ModelWeightsException.class, () -> model.loadParameters(missing.build()));
            assertTrue(e.getMessage().contains("missing tensor transformer.h.1.ln_1.bias"), e.getMessage());

            ParameterSet extra = p.toBuilder().add(NamedTensor.ofFloats("transformer.h.2.ln_1.bias", new long[] {16}, new float[16])).build();
            e = assertThrows(ModelWeightsException.class, () -> model.loadParameters(extra));
            assertTrue(e.getMessage().contains("unexpected tensor transformer.h.2.ln_1.bias"), e.getMessage());

            ParameterSet misshaped = p.toBuilder().put(NamedTensor.ofFloats("transformer.ln_f.bias", new long[] {15}, new float[15])).build();
            e = assertThrows(ModelWeightsException.class, () -> model.loadParameters(misshaped));
            assertTrue(e.getMessage().contains("transformer.ln_f.bias has shape [15], expected [16]"), e.getMessage());

            ParameterSet ints = p.toBuilder().put(new NamedTensor("transformer.ln_f.bias", DType.I32, new long[] {16},
                    ByteBuffer.allocate(64))).build();
            e = assertThrows(ModelWeightsException.class, () -> model.loadParameters(ints));
            assertTrue(e.getMessage().contains("dtype I32"), e.getMessage());

            ParameterSet untied = p.toBuilder().add(NamedTensor.ofFloats("lm_head.weight", new long[] {50, 16}, new float[800])).build();
            e = assertThrows(ModelWeightsException.class, () -> model.loadParameters(untied));
            assertTrue(e.getMessage().contains("lm_head.weight differs"), e.getMessage());

            e = assertThrows(ModelWeightsException.class, () -> model.loadParameters(p,
                    t -> t.name().equals("transformer.wte.weight") ? NamedTensor.ofFloats(t.name(), new long[] {16, 50},
                            t.toFloats()) : t));
            assertTrue(e.getMessage().contains("transformer.wte.weight has shape [16, 50], expected [50, 16]"),
                    e.getMessage());

            assertArrayEquals(p.require("transformer.wte.weight").toFloats(),
                    model.parameters().require("transformer.wte.weight").toFloats());
        }
    }

    @Test
    void logitsRejectRaggedRowsAndOutOfRangeIds() {
        try (GptModel model = GptModel.create(MICRO, 3, Device.cpu());
                NDManager scope = NDManager.newBaseManager()) {
            assertThrows(IllegalArgumentException.class, () -> model.logits(scope, new int[][] {{1, 2}, {3}}));
            assertThrows(IllegalArgumentException.class, () -> model.logits(scope, new int[][] {{50}}));
            assertThrows(IllegalArgumentException.class, () -> model.logits(scope, new int[][] {new int[17]}));
        }
    }

    static NamedTensor toBf16(NamedTensor t) {
        float[] f = t.toFloats();
        ByteBuffer b = ByteBuffer.allocate(f.length * 2).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : f) {
            b.putShort(HalfFloats.floatToBf16(v));
        }
        b.flip();
        return new NamedTensor(t.name(), DType.BF16, t.shape(), b);
    }

    static double std(float[] v) {
        double s = 0;
        double s2 = 0;
        for (float x : v) {
            s += x;
            s2 += x * x;
        }
        double m = s / v.length;
        return Math.sqrt(s2 / v.length - m * m);
    }

    /**
     * Loaded weights must be owned by the native tensors: a tensor that aliased a Java direct buffer
     * would read freed memory once that buffer is collected.
     */
    @Test
    void loadedWeightsSurviveGarbageCollection() {
        try (GptModel source = GptModel.create(MICRO, 7, Device.cpu());
                GptModel target = GptModel.create(MICRO, 8, Device.cpu())) {
            ParameterSet weights = source.parameters();
            for (int round = 0; round < 3; round++) {
                target.loadParameters(weights);
                for (int i = 0; i < 5; i++) {
                    byte[][] churn = new byte[64][];
                    for (int j = 0; j < churn.length; j++) {
                        churn[j] = new byte[1 << 20];
                        java.nio.ByteBuffer.allocateDirect(1 << 20).put(0, (byte) 1);
                    }
                    System.gc();
                }
                ParameterSet reread = target.parameters();
                for (String name : weights.names()) {
                    org.junit.jupiter.api.Assertions.assertArrayEquals(weights.require(name).toFloats(),
                            reread.require(name).toFloats(), name);
                }
            }
        }
    }

    @Test
    void deltaFromEqualsTrainedMinusBaseAndRefusesAnotherLayout() {
        try (GptModel model = GptModel.create(MICRO, 3, Device.cpu());
                GptModel other = GptModel.create(MICRO, 4, Device.cpu())) {
            ParameterSet base = model.parameters();
            model.loadParameters(other.parameters()); // "trained": another set of weights
            ParameterSet expected =
                    io.tensorswarm.common.tensor.Deltas.compute(model.parameters(), base);
            ParameterSet delta = model.deltaFrom(base);
            assertEquals(expected.names(), delta.names());
            for (NamedTensor t : expected) {
                assertArrayEquals(t.toFloats(), delta.require(t.name()).toFloats(),
                        t.name());
            }
            // The same through a device-side snapshot of the base, which is independent of later loads.
            model.loadParameters(base);
            try (GptModel.Snapshot snapshot = model.snapshot()) {
                model.loadParameters(other.parameters());
                ParameterSet viaSnapshot = model.deltaFrom(snapshot);
                for (NamedTensor t : expected) {
                    assertArrayEquals(t.toFloats(), viaSnapshot.require(t.name()).toFloats(), 1e-6f, t.name());
                }
            }
            ParameterSet.Builder missing = ParameterSet.builder();
            base.tensors().stream().skip(1).forEach(missing::add);
            missing.add(base.tensors().get(0).withName("not.a.tensor"));
            assertThrows(ModelWeightsException.class,
                    () -> model.deltaFrom(missing.build()));
        }
    }
}
