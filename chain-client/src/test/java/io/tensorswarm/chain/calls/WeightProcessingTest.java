package io.tensorswarm.chain.calls;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tensorswarm.chain.calls.WeightConversion.EmitWeights;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The SDK's {@code process_weights_for_netuid} rules: hand-worked cases, and vectors the SDK's
 * algorithm computed with numpy ({@code weight_processing_vectors.py} beside the vector file).
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class WeightProcessingTest {
    private static final int NO_LIMIT = 65535;

    static List<JsonNode> sdkVectors() throws Exception {
        try (InputStream in = WeightProcessingTest.class.getResourceAsStream("weight-processing-vectors.jsonl");
                BufferedReader lines = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            ObjectMapper json = new ObjectMapper();
            return lines.lines().map(l -> {
                try {
                    return json.readTree(l);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }).toList();
        }
    }

    private static int[] ints(JsonNode n) {
        int[] out = new int[n.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = n.get(i).asInt();
        }
        return out;
    }

    @ParameterizedTest
    @MethodSource("sdkVectors")
    void sendsTheU16WeightsTheSdkSendsOnEveryPath(JsonNode v) {
        JsonNode w = v.get("weights");
        float[] weights = new float[w.size()];
        for (int i = 0; i < weights.length; i++) {
            weights[i] = Float.parseFloat(w.get(i).asText());
        }
        EmitWeights out = WeightProcessing.forEmit(ints(v.get("uids")), weights, v.get("neurons").asInt(),
                v.get("minAllowedWeights").asInt(), v.get("maxWeightLimit").asInt());
        assertArrayEquals(ints(v.get("emitUids")), out.uids(), v.get("path").asText());
        assertArrayEquals(ints(v.get("emitValues")), out.weights(), v.get("path").asText());
    }

    @Test
    void theVectorsCoverEveryPathOnSmallAndLargeSubnets() throws Exception {
        List<String> paths = sdkVectors().stream().map(v -> v.get("path").asText() + (v.get("neurons").asInt() > 128))
                .distinct().sorted().toList();
        assertEquals(List.of("clipfalse", "cliptrue", "fillfalse", "filltrue", "plainfalse", "plaintrue",
                "uniformfalse", "uniformtrue"), paths);
    }

    @Test
    void weightsWithinTheLimitsAreOnlyConverted() {
        EmitWeights out = WeightProcessing.forEmit(new int[] {1, 2}, new float[] {0.25f, 0.75f}, 4, 1, NO_LIMIT);
        assertArrayEquals(new int[] {1, 2}, out.uids());
        assertArrayEquals(new int[] {21845, 65535}, out.weights());
    }

    @Test
    void tooFewWeightsGiveEveryUidASmallWeight() {
        // 1e-5 each, plus the weights: [1e-5, 0.25001, 1e-5, 0.75001, 1e-5] / 1.00005
        EmitWeights out = WeightProcessing.forEmit(new int[] {1, 3}, new float[] {0.25f, 0.75f}, 5, 4, NO_LIMIT);
        assertArrayEquals(new int[] {0, 1, 2, 3, 4}, out.uids());
        assertArrayEquals(new int[] {1, 21846, 1, 65535, 1}, out.weights());
    }

    @Test
    void noShareExceedsTheMaxWeightLimit() {
        // limit 19660/65535 = 0.29999: 0.5 is cut to the cutoff and the rest renormalized
        WeightProcessing.Processed p = WeightProcessing.process(new int[] {0, 1, 2, 3, 4, 5},
                new float[] {0.5f, 0.2f, 0.1f, 0.1f, 0.05f, 0.05f}, 6, 1, 19660);
        assertEquals(0.2999922037124634, p.weights()[0], 0);
        assertEquals(0.28000307083129883, p.weights()[1], 0);
        EmitWeights out = WeightProcessing.forEmit(new int[] {0, 1, 2, 3, 4, 5},
                new float[] {0.5f, 0.2f, 0.1f, 0.1f, 0.05f, 0.05f}, 6, 1, 19660);
        assertArrayEquals(new int[] {65535, 61168, 30584, 30584, 15292, 15292}, out.weights());
    }

    @Test
    void tooFewWeightsForTheLimitAreMadeEqual() {
        // 3 uids cannot each stay under 0.25 of the total: the SDK sends them equal (the chain will refuse)
        EmitWeights out = WeightProcessing.forEmit(new int[] {0, 1, 2}, new float[] {0.2f, 0.3f, 0.5f}, 3, 1, 16384);
        assertArrayEquals(new int[] {65535, 65535, 65535}, out.weights());
    }

    @Test
    void aSubnetSmallerThanMinAllowedWeightsNeedsEveryUidNotUniformWeights() {
        // The SDK would send 1/3 to everyone; the chain requires min(8, 3) = 3 weights, which the fill gives.
        EmitWeights out = WeightProcessing.forEmit(new int[] {2}, new float[] {1f}, 3, 8, NO_LIMIT);
        assertArrayEquals(new int[] {0, 1, 2}, out.uids());
        assertArrayEquals(new int[] {1, 1, 65535}, out.weights());
    }

    @Test
    void allZeroWeightsSetNothing() {
        EmitWeights out = WeightProcessing.forEmit(new int[] {0, 1}, new float[] {0f, 0f}, 4, 3, NO_LIMIT);
        assertArrayEquals(new int[0], out.uids());
    }

    @Test
    void badInputIsRefused() {
        assertThrows(IllegalArgumentException.class,
                () -> WeightProcessing.process(new int[] {0}, new float[] {-1f}, 2, 1, NO_LIMIT));
        assertThrows(IllegalArgumentException.class,
                () -> WeightProcessing.process(new int[] {0, 1}, new float[] {1f}, 2, 1, NO_LIMIT));
        IllegalArgumentException outside = assertThrows(IllegalArgumentException.class,
                () -> WeightProcessing.process(new int[] {5}, new float[] {1f}, 3, 2, NO_LIMIT));
        assertEquals("uid 5 is not one of the subnet's 3 uids", outside.getMessage());
    }
}
