package io.tensorswarm.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class StorageLayoutTest {
    @Test
    void namesTheDesignLayout() {
        assertEquals("rounds/12/5FHneW46/delta.safetensors", StorageLayout.deltaKey(12, "5FHneW46"));
        assertEquals("rounds/12/5FHneW46/manifest.json", StorageLayout.manifestKey(12, "5FHneW46"));
        assertEquals("models/9f2c/model.safetensors", StorageLayout.modelWeightsKey("9f2c"));
        assertEquals("models/9f2c/config.json", StorageLayout.modelConfigKey("9f2c"));
        assertEquals("latest", StorageLayout.LATEST);
    }

    @Test
    void refusesHotkeysAndRevisionsThatAreNotOneSafeSegment() {
        assertThrows(StorageException.class, () -> StorageLayout.deltaKey(1, "../x"));
        assertThrows(StorageException.class, () -> StorageLayout.deltaKey(1, "a/b"));
        assertThrows(StorageException.class, () -> StorageLayout.modelWeightsKey(".git"));
        assertThrows(StorageException.class, () -> StorageLayout.modelWeightsKey(""));
        assertThrows(IllegalArgumentException.class, () -> StorageLayout.deltaKey(-1, "a"));
    }
}
