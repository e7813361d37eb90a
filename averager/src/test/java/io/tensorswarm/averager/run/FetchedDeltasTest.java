package io.tensorswarm.averager.run;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tensorswarm.averager.merge.HotkeyDelta;
import io.tensorswarm.common.protocol.DeltaCodec;
import io.tensorswarm.common.protocol.SparseLocoCodec;
import io.tensorswarm.common.protocol.TopKCodec;
import io.tensorswarm.common.safetensors.SafetensorsWriter;
import io.tensorswarm.common.tensor.DType;
import io.tensorswarm.common.tensor.NamedTensor;
import io.tensorswarm.common.tensor.ParameterSet;
import io.tensorswarm.common.testing.TestModels;
import io.tensorswarm.common.model.ModelDirectory;
import io.tensorswarm.protocol.fetch.FetchRequest;
import io.tensorswarm.protocol.scoring.RoundScorer;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@link FetchedDeltas}: a sparse codec's kept file is merged as its kept entries, anything else whole. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class FetchedDeltasTest {
    @TempDir Path tmp;
    ParameterSet base;
    ParameterSet delta;
    Path cache;

    @BeforeEach
    void setUp() {
        base = ModelDirectory.readWeights(TestModels.writeMicroModel(tmp.resolve("base"), 1));
        SplittableRandom r = new SplittableRandom(5);
        ParameterSet.Builder b = ParameterSet.builder();
        for (NamedTensor t : base) {
            float[] v = new float[(int) t.elementCount()];
            for (int i = 0; i < v.length; i++) {
                v[i] = (float) (r.nextGaussian() * 1e-3);
            }
            b.add(NamedTensor.ofFloats(t.name(), t.shape(), v));
        }
        delta = b.build();
        cache = tmp.resolve("cache");
    }

    /** Writes what a fetcher keeping sparse files leaves for "5Miner": the decoded delta and the verified file. */
    private ParameterSet fetched(DeltaCodec codec, boolean keep) throws IOException {
        Files.createDirectories(cache);
        ParameterSet stored = codec.encode(delta);
        ParameterSet decoded = codec.decode(stored, base);
        Path target = RoundScorer.cachedDelta(cache, "5Miner");
        new SafetensorsWriter().write(decoded, target);
        if (keep) {
            new SafetensorsWriter().write(stored, FetchRequest.encodedCopy(target));
        }
        return decoded;
    }

    private static void assertHolds(ParameterSet expected, HotkeyDelta actual) {
        assertEquals("5Miner", actual.hotkey());
        for (NamedTensor t : expected) {
            float[] values = new float[(int) t.elementCount()];
            actual.delta().addScaled(t.name(), 1f, values);
            assertArrayEquals(t.toFloats(), values, 0f, t.name());
        }
    }

    @Test
    void aKeptSparselocoFileIsMergedAsItsKeptEntries() throws IOException {
        ParameterSet decoded = fetched(new SparseLocoCodec(), true);
        HotkeyDelta d = FetchedDeltas.read(cache, "5Miner", base);
        assertHolds(decoded, d);
        long dense = 4 * base.elementCount();
        assertTrue(d.delta().heapBytes() * 20 < dense, d.delta().heapBytes() + " bytes against " + dense + " dense");
    }

    @Test
    void withoutAKeptFileTheDecodedDeltaIsMergedWhole() throws IOException {
        ParameterSet decoded = fetched(new SparseLocoCodec(), false);
        HotkeyDelta d = FetchedDeltas.read(cache, "5Miner", base);
        assertHolds(decoded, d);
        assertEquals(4 * base.elementCount(), d.delta().heapBytes());
    }

    @Test
    void aKeptFileThatNoLongerDecodesFallsBackToTheDecodedDelta() throws IOException {
        ParameterSet decoded = fetched(new SparseLocoCodec(), true);
        Path kept = FetchRequest.encodedCopy(RoundScorer.cachedDelta(cache, "5Miner"));
        byte[] bytes = Files.readAllBytes(kept);
        bytes[bytes.length - 1] = (byte) 0xFF; // the last record's high bits: padding and positions break
        Files.write(kept, bytes);
        HotkeyDelta d = FetchedDeltas.read(cache, "5Miner", base);
        assertHolds(decoded, d);
        assertEquals(4 * base.elementCount(), d.delta().heapBytes());
    }

    @Test
    void aTopkDeltaKeepingMoreThanHalfIsMergedWhole() throws IOException {
        ParameterSet decoded = fetched(new TopKCodec(new BigDecimal("0.6"), DType.F32), true);
        HotkeyDelta d = FetchedDeltas.read(cache, "5Miner", base);
        assertHolds(decoded, d);
        assertEquals(4 * base.elementCount(), d.delta().heapBytes(), "8 bytes per kept entry would be more");
        ParameterSet sparse = fetched(new TopKCodec(new BigDecimal("0.1"), DType.F32), true);
        HotkeyDelta small = FetchedDeltas.read(cache, "5Miner", base);
        assertHolds(sparse, small);
        assertTrue(small.delta().heapBytes() < base.elementCount(), "8 bytes for one entry in ten");
    }
}
