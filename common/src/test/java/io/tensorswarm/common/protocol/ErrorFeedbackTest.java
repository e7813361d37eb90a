package io.tensorswarm.common.protocol;

import static io.tensorswarm.common.protocol.DeltaCodecsTest.f32;
import static io.tensorswarm.common.protocol.DeltaCodecsTest.random;
import static io.tensorswarm.common.protocol.DeltaCodecsTest.set;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tensorswarm.common.tensor.DType;
import io.tensorswarm.common.tensor.ParameterSet;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link ErrorFeedback}: the residual math over rounds, and its persistence across restarts. */
class ErrorFeedbackTest {
    private final TopKCodec half = new TopKCodec(new BigDecimal("0.5"), DType.F32);

    @Test
    void carriesWhatTopkDroppedIntoTheNextRound() {
        ErrorFeedback feedback = ErrorFeedback.empty(1.0);
        ParameterSet round1 = set(f32("x", new long[] {4}, 4f, 1f, -3f, 2f));
        ParameterSet sent1 = half.decode(feedback.encode(half, round1), round1);
        assertArrayEquals(new float[] {4f, 0f, -3f, 0f}, sent1.require("x").toFloats());
        assertArrayEquals(new float[] {0f, 1f, 0f, 2f}, feedback.residuals().require("x").toFloats());

        // Round 2: delta + residual = {0.5, 1.5, 0, 2.5} -> keep 2.5 and 1.5.
        ParameterSet round2 = set(f32("x", new long[] {4}, 0.5f, 0.5f, 0f, 0.5f));
        ParameterSet sent2 = half.decode(feedback.encode(half, round2), round2);
        assertArrayEquals(new float[] {0f, 1.5f, 0f, 2.5f}, sent2.require("x").toFloats());
        assertArrayEquals(new float[] {0.5f, 0f, 0f, 0f}, feedback.residuals().require("x").toFloats());
    }

    @Test
    void sumOfSentTracksSumOfDeltasUpToTheFinalResidual() {
        TopKCodec codec = new TopKCodec(new BigDecimal("0.1"), DType.BF16);
        ErrorFeedback feedback = ErrorFeedback.empty(1.0);
        int n = 500;
        double[] sumDelta = new double[n];
        double[] sumSent = new double[n];
        for (int round = 0; round < 8; round++) {
            ParameterSet delta = set(f32("x", new long[] {n}, random(n, 10 + round)));
            ParameterSet sent = codec.decode(feedback.encode(codec, delta), delta);
            float[] d = delta.require("x").toFloats();
            float[] s = sent.require("x").toFloats();
            for (int i = 0; i < n; i++) {
                sumDelta[i] += d[i];
                sumSent[i] += s[i];
            }
        }
        float[] residual = feedback.residuals().require("x").toFloats();
        for (int i = 0; i < n; i++) {
            assertEquals(sumDelta[i], sumSent[i] + residual[i], 1e-5, "element " + i);
        }
    }

    @Test
    void aSavedResidualSurvivesARestart(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("residual.safetensors");
        assertEquals(0, ErrorFeedback.load(file).residuals().size());
        ErrorFeedback feedback = ErrorFeedback.empty();
        ParameterSet delta = set(f32("x", new long[] {2, 2}, 4f, 1f, -3f, 2f));
        feedback.encode(half, delta);
        feedback.save(file);
        ErrorFeedback restarted = ErrorFeedback.load(file);
        assertArrayEquals(new float[] {0f, 1f, 0f, 2f}, restarted.residuals().require("x").toFloats());
        assertArrayEquals(new long[] {2, 2}, restarted.residuals().require("x").shape());
        assertArrayEquals(new float[] {4f, 1.95f, -3f, 3.9f}, restarted.compensate(delta).require("x").toFloats());
    }

    @Test
    void anUnsentResidualFadesByTheDecayEachRound() {
        ErrorFeedback feedback = ErrorFeedback.empty();
        assertEquals(0.95, feedback.decay(), 1e-7);
        // Round 1 keeps 4 and -3 and leaves {0, 1, 0, 2}; a round of zero delta then carries (and,
        // keeping half, sends) 0.95 x what was left; classic error feedback carries all of it.
        feedback.encode(half, set(f32("x", new long[] {4}, 4f, 1f, -3f, 2f)));
        ParameterSet zero = set(f32("x", new long[] {4}, 0f, 0f, 0f, 0f));
        ParameterSet sent = half.decode(feedback.encode(half, zero), zero);
        assertArrayEquals(new float[] {0f, 0.95f, 0f, 1.9f}, sent.require("x").toFloats(), 1e-6f);
        assertArrayEquals(new float[] {0f, 0f, 0f, 0f}, feedback.residuals().require("x").toFloats(), 1e-6f);
        ErrorFeedback classic = ErrorFeedback.empty(1.0);
        classic.encode(half, set(f32("x", new long[] {4}, 4f, 1f, -3f, 2f)));
        assertArrayEquals(new float[] {4f, 1f, -3f, 2f}, classic.compensate(set(f32("x", new long[] {4}, 4f, 0f, -3f, 0f)))
                .require("x").toFloats());
    }

    @Test
    void refusesADecayOutsideZeroToOne() {
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> ErrorFeedback.empty(1.5));
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> ErrorFeedback.empty(Double.NaN));
    }

    @Test
    void dropsAResidualWhoseShapeNoLongerMatches() {
        ErrorFeedback feedback = ErrorFeedback.empty();
        feedback.encode(half, set(f32("x", new long[] {4}, 4f, 1f, -3f, 2f)));
        ParameterSet reshaped = set(f32("x", new long[] {2}, 1f, 1f));
        assertArrayEquals(new float[] {1f, 1f}, feedback.compensate(reshaped).require("x").toFloats());
        assertTrue(feedback.residuals().contains("x"));
    }
}
