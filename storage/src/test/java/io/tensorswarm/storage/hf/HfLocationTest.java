package io.tensorswarm.storage.hf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.tensorswarm.storage.StorageException;
import java.net.URI;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class HfLocationTest {
    @Test
    void parsesTypeRepoRevisionAndPrefix() {
        assertEquals(new HfLocation("model", "alice/deltas", "main", ""), HfLocation.parse(URI.create("hf://alice/deltas")));
        assertEquals(new HfLocation("dataset", "org/text", "v1.0", "data/train"), HfLocation.parse(URI.create("hf://datasets/org/text@v1.0/data/train")));
        assertEquals(new HfLocation("model", "org/base", "refs/pr/1", ""), HfLocation.parse(URI.create("hf://org/base@refs%2Fpr%2F1")));
        assertEquals("hf://datasets/org/text@v1.0/data", HfLocation.parse(URI.create("hf://datasets/org/text@v1.0/data")).uri().toString());
    }

    @Test
    void encodesRevisionsAsOneSegmentAndPathsWithSlashes() {
        assertEquals("refs%2Fpr%2F1", HfObjectStore.enc("refs/pr/1"));
        assertEquals("rounds/1/a%20b/delta.safetensors", HfObjectStore.encPath("rounds/1/a b/delta.safetensors"));
    }

    @Test
    void messageNeverRepeatsCredentialsFromTheLocation() {
        StorageException e = assertThrows(StorageException.class, () -> HfLocation.parse(URI.create("hf://hf_secret@alice/deltas")));
        assertEquals(-1, e.getMessage().indexOf("hf_secret"), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"hf://alice", "hf://alice/de--ltas", "hf://alice/deltas/../x", "hf://alice/deltas@..%2Fx", "hf://user:pw@alice/deltas", "s3://a/b"})
    void refusesMalformedLocations(String uri) {
        assertEquals(StorageException.Kind.CONFIGURATION,
                assertThrows(StorageException.class, () -> HfLocation.parse(URI.create(uri))).kind());
    }
}
