package io.tensorswarm.averager;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tensorswarm.averager.run.ModelPublisher;
import io.tensorswarm.common.cli.Cli;
import io.tensorswarm.common.model.ModelDirectory;
import io.tensorswarm.common.protocol.Sha256;
import io.tensorswarm.common.testing.TestModels;
import io.tensorswarm.storage.ObjectStore;
import io.tensorswarm.storage.ObjectStores;
import io.tensorswarm.storage.StorageOptions;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PublishCommandTest {
    @TempDir Path tmp;

    @Test
    void publishSeedsLatestWithTheModelsHash() {
        Path model = TestModels.writeMicroModel(tmp.resolve("m"), 7);
        String location = tmp.resolve("store").toUri().toString();
        StringWriter out = new StringWriter();

        int code = Cli.commandLine(new AveragerCommand(), new PrintWriter(out), new PrintWriter(new StringWriter()))
                .execute("publish", "--model", model.toString(), "--storage.location", location, "--round", "3");

        assertEquals(0, code, out.toString());
        String rev = Sha256.ofFile(model.resolve(ModelDirectory.WEIGHTS_FILE));
        assertTrue(out.toString().contains("latest -> " + rev + " (round 3)"), out.toString());
        try (ObjectStore store = ObjectStores.open(location, StorageOptions.defaults())) {
            assertEquals(rev, ModelPublisher.readLatest(store).orElseThrow().revision());
        }
    }
}
