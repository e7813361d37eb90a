package io.tensorswarm.averager.run;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tensorswarm.common.model.ModelDirectory;
import io.tensorswarm.common.protocol.LatestPointer;
import io.tensorswarm.common.protocol.Sha256;
import io.tensorswarm.common.protocol.StorageLayout;
import io.tensorswarm.common.testing.TestModels;
import io.tensorswarm.storage.GetRequest;
import io.tensorswarm.storage.ObjectStore;
import io.tensorswarm.storage.ObjectStores;
import io.tensorswarm.storage.StorageOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelPublisherTest {
    @TempDir Path tmp;

    private ObjectStore store() {
        return ObjectStores.open(tmp.resolve("store").toUri().toString(), StorageOptions.defaults());
    }

    @Test
    void publishesTheFilesUnderTheirHashAndReadsThemBack() throws IOException {
        Path model = TestModels.writeMicroModel(tmp.resolve("m"), 3);
        Files.writeString(model.resolve("tokenizer.json"), "{}");
        try (ObjectStore store = store()) {
            LatestPointer pointer = new ModelPublisher(store).publish(model, 5);

            String rev = Sha256.ofFile(model.resolve(ModelDirectory.WEIGHTS_FILE));
            assertEquals(new LatestPointer(rev, 5), pointer);
            assertEquals(pointer, ModelPublisher.readLatest(store).orElseThrow());
            assertArrayEquals(Files.readAllBytes(model.resolve(ModelDirectory.CONFIG_FILE)),
                    store.getBytes(GetRequest.of(StorageLayout.modelConfigKey(rev), 1 << 20)));
            assertArrayEquals("{}".getBytes(), store.getBytes(GetRequest.of(ModelPublisher.tokenizerKey(rev), 16)));
            Path fetched = new io.tensorswarm.protocol.BaseModelSource(store, tmp.resolve("cache"), io.tensorswarm.protocol.BaseModelSource.DEFAULT_MAX_MODEL_BYTES).fetch(pointer.revision()).dir();
            assertEquals(rev, Sha256.ofFile(fetched.resolve(ModelDirectory.WEIGHTS_FILE)));
        }
    }

    @Test
    void refusesAModelWithoutConfigAndLeavesLatestAlone() {
        Path model = TestModels.writeMicroModel(tmp.resolve("m"), 3);
        Path other = TestModels.writeMicroModel(tmp.resolve("other"), 4);
        try (ObjectStore store = store()) {
            LatestPointer first = new ModelPublisher(store).publish(model, 0);
            assertTrue(other.resolve(ModelDirectory.CONFIG_FILE).toFile().delete());

            PublishException e = assertThrows(PublishException.class, () -> new ModelPublisher(store).publish(other, 1));

            assertTrue(e.getMessage().contains("config.json"), e.getMessage());
            assertEquals(first, ModelPublisher.readLatest(store).orElseThrow());
        }
    }

    @Test
    void refusesToMoveLatestToARevisionThatIsNotStored() {
        try (ObjectStore store = store()) {
            PublishException e = assertThrows(PublishException.class,
                    () -> new ModelPublisher(store).movePointer(new LatestPointer("ab".repeat(32), 0)));

            assertTrue(e.getMessage().contains("refusing to move latest"), e.getMessage());
            assertTrue(ModelPublisher.readLatest(store).isEmpty());
        }
    }
}
