package io.tensorswarm.averager.merge;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import io.tensorswarm.common.model.GptModel;
import io.tensorswarm.common.protocol.DeltaCodec;
import io.tensorswarm.common.protocol.SparseLocoCodec;
import io.tensorswarm.common.protocol.TopKCodec;
import io.tensorswarm.common.tensor.DType;
import io.tensorswarm.common.tensor.NamedTensor;
import io.tensorswarm.common.tensor.ParameterSet;
import io.tensorswarm.common.testing.TestModels;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The same sparse deltas through both merge paths, decoded dense ({@link DeltaCodec#decode}) and
 * kept sparse ({@link DeltaCodec#decodeSparse}): the same mixing weights, losses and acceptance, and
 * the same new weights and velocity.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class SparseMergeTest {
    @TempDir static Path tmp;
    static MergeFixture f;

    @BeforeAll
    static void fixture() {
        f = MergeFixture.create(tmp);
    }

    private static MergeResult merge(List<HotkeyDelta> deltas) {
        try (GptModel model = GptModel.fromParameters(TestModels.micro(), f.base, Device.cpu())) {
            return new Merger(MergeConfig.defaults()).merge(model, f.base, deltas, f.fitPages, f.checkPages,
                    new OuterOptimizer(0.7f, 0.9f));
        }
    }

    /** The fixture's three deltas in {@code codec}, decoded dense when {@code sparse[i]} is false. */
    private static List<HotkeyDelta> encoded(DeltaCodec codec, boolean... sparse) {
        ParameterSet[] deltas = {f.trainedA, f.trainedB, f.noise};
        String[] hotkeys = {"5Fhonest", "5Ghonest", "5Hnoise"};
        List<HotkeyDelta> out = new ArrayList<>();
        for (int i = 0; i < deltas.length; i++) {
            ParameterSet stored = codec.encode(deltas[i]);
            out.add(sparse[i] ? new HotkeyDelta(hotkeys[i], codec.decodeSparse(stored, f.base))
                    : new HotkeyDelta(hotkeys[i], codec.decode(stored, f.base)));
        }
        return out;
    }

    /**
     * The α-gradient's dot products are summed in another order on the sparse path (float rounding);
     * the 1/65536 grid of α absorbs that, and with equal α the mixed delta is the same float sums in
     * the same order (a left-out term is a zero), so weights and velocity agree to the last bit
     * (zeros may differ in sign).
     */
    private static void assertSameMerge(MergeResult dense, MergeResult sparse) {
        assertEquals(dense.alphas(), sparse.alphas());
        assertEquals(dense.lossBefore(), sparse.lossBefore(), 0.0);
        assertEquals(dense.lossAfter(), sparse.lossAfter(), 0.0);
        assertEquals(dense.accepted(), sparse.accepted());
        assertSameValues(dense.newWeights(), sparse.newWeights());
        assertSameValues(dense.step().velocity(), sparse.step().velocity());
    }

    private static void assertSameValues(ParameterSet expected, ParameterSet actual) {
        assertEquals(expected.names(), actual.names());
        for (NamedTensor t : expected) {
            assertArrayEquals(t.toFloats(), actual.require(t.name()).toFloats(), 0f, t.name());
        }
    }

    @Test
    void sparselocoDeltasMergeSparseToTheWeightsTheirDenseDecodeMergesTo() {
        SparseLocoCodec codec = new SparseLocoCodec(256, 8);
        MergeResult dense = merge(encoded(codec, false, false, false));
        MergeResult sparse = merge(encoded(codec, true, true, true));
        assertTrue(dense.accepted(), "the fixture's honest deltas improve the check loss");
        assertSameMerge(dense, sparse);
    }

    @Test
    void topkDeltasMergeSparseToTheWeightsTheirDenseDecodeMergesTo() {
        TopKCodec codec = new TopKCodec(new BigDecimal("0.05"), DType.F32);
        assertSameMerge(merge(encoded(codec, false, false, false)), merge(encoded(codec, true, true, true)));
    }

    @Test
    void denseAndSparseDeltasMixInOneMerge() {
        SparseLocoCodec codec = new SparseLocoCodec(256, 8);
        assertSameMerge(merge(encoded(codec, false, false, false)), merge(encoded(codec, true, false, true)));
    }

    @Test
    void aSparseDeltaHoldsItsKeptEntriesNotTheModel() {
        SparseLocoCodec codec = new SparseLocoCodec(256, 8);
        long model = f.base.elementCount() * 4;
        for (HotkeyDelta d : encoded(codec, true, true, true)) {
            long bytes = d.delta().heapBytes();
            assertTrue(bytes < model / 8, d.hotkey() + ": " + bytes + " bytes for a " + model + "-byte model");
        }
        for (HotkeyDelta d : encoded(codec, false, false, false)) {
            assertEquals(model, d.delta().heapBytes(), "a dense delta is a model copy");
        }
    }
}
