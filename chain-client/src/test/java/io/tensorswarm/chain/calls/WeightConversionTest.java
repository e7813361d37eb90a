package io.tensorswarm.chain.calls;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import io.tensorswarm.chain.ChainVectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The SDK's {@code convert_weights_and_uids_for_emit} (chain-spec §4.1) against {@code weights_conversion}. */
class WeightConversionTest {
    static Stream<JsonNode> vectors() {
        return ChainVectors.vectors("weights_conversion").stream();
    }

    private static int[] ints(JsonNode n) {
        int[] out = new int[n.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = n.get(i).asInt();
        }
        return out;
    }

    @ParameterizedTest
    @MethodSource("vectors")
    void matchesSdkVectors(JsonNode v) {
        JsonNode w = v.get("weights_float32");
        float[] weights = new float[w.size()];
        for (int i = 0; i < weights.length; i++) {
            weights[i] = (float) w.get(i).asDouble();
        }
        WeightConversion.EmitWeights out = WeightConversion.convertWeightsAndUidsForEmit(ints(v.get("uids")), weights);
        assertArrayEquals(ints(v.get("out_uids")), out.uids());
        assertArrayEquals(ints(v.get("out_u16")), out.weights());
    }

    @Test
    void roundsHalfToEven() {
        // 1/2 * 65535 = 32767.5 rounds to the even neighbour 32768, as Python round() does.
        WeightConversion.EmitWeights out = WeightConversion.convertWeightsAndUidsForEmit(
                new int[] {0, 1}, new float[] {2f, 1f});
        assertArrayEquals(new int[] {65535, 32768}, out.weights());
    }

    @Test
    void allZeroWeightsEmitNothing() {
        WeightConversion.EmitWeights out = WeightConversion.convertWeightsAndUidsForEmit(
                new int[] {0, 1}, new float[] {0f, 0f});
        assertEquals(0, out.uids().length);
    }

    @Test
    void rejectsNegativeNanAndMismatchedInput() {
        assertThrows(IllegalArgumentException.class,
                () -> WeightConversion.convertWeightsAndUidsForEmit(new int[] {0}, new float[] {-1f}));
        assertThrows(IllegalArgumentException.class,
                () -> WeightConversion.convertWeightsAndUidsForEmit(new int[] {0}, new float[] {Float.NaN}));
        assertThrows(IllegalArgumentException.class,
                () -> WeightConversion.convertWeightsAndUidsForEmit(new int[] {-1}, new float[] {1f}));
        assertThrows(IllegalArgumentException.class,
                () -> WeightConversion.convertWeightsAndUidsForEmit(new int[] {0, 1}, new float[] {1f}));
    }
}
