package io.tensorswarm.miner.adversary;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tensorswarm.common.tensor.NamedTensor;
import io.tensorswarm.common.tensor.ParameterSet;
import io.tensorswarm.storage.ObjectStore;
import io.tensorswarm.storage.ObjectStores;
import io.tensorswarm.storage.PutRequest;
import io.tensorswarm.storage.StorageOptions;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AdversaryTest {
    @TempDir Path tmp;

    @Test
    void parsesTheThreeNamesInAnyCaseAndRejectsOthers() {
        assertEquals(Adversary.LAZY, Adversary.parse("lazy"));
        assertEquals(Adversary.COPIER, Adversary.parse("Copier"));
        assertEquals(Adversary.NOISE, Adversary.parse("NOISE"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Adversary.parse("honest"));
        assertTrue(e.getMessage().contains("honest"));
    }

    @Test
    void noiseKeepsNamesShapesAndEachTensorsNormButNotItsValues() {
        ParameterSet delta = ParameterSet.builder()
                .add(NamedTensor.ofFloats("a", new long[] {2, 2}, new float[] {3, 0, 0, 4}))
                .add(NamedTensor.ofFloats("b", new long[] {3}, new float[] {0, 0, 0}))
                .build();
        ParameterSet noise = NoiseRunner.noiseLike(delta, new Random(7));
        assertEquals(delta.names(), noise.names());
        assertArrayEquals(new long[] {2, 2}, noise.require("a").shape());
        float[] a = noise.require("a").toFloats();
        assertEquals(5.0, Math.sqrt(a[0] * a[0] + a[1] * a[1] + a[2] * a[2] + a[3] * a[3]), 1e-5);
        assertFalse(a[1] == 0 && a[2] == 0, "noise must not reproduce the delta's zeros");
        assertArrayEquals(new float[] {0, 0, 0}, noise.require("b").toFloats());
    }

    @Test
    void lazyStoreDropsUploadsButHonestStoreKeepsThem() throws Exception {
        Files.createDirectories(tmp.resolve("store"));
        try (ObjectStore honest = ObjectStores.open(tmp.resolve("store").toUri().toString(), StorageOptions.defaults());
                ObjectStore lazy = Adversary.LAZY.ownStore(honest)) {
            lazy.put(PutRequest.ofBytes("rounds/1/x/manifest.json", "{}".getBytes(StandardCharsets.UTF_8)));
            assertTrue(honest.stat("rounds/1/x/manifest.json").isEmpty());
            ObjectStore noise = Adversary.NOISE.ownStore(honest);
            noise.put(PutRequest.ofBytes("rounds/1/y/manifest.json", "{}".getBytes(StandardCharsets.UTF_8)));
            assertTrue(honest.stat("rounds/1/y/manifest.json").isPresent());
        }
    }
}
