package io.tensorswarm.orchestrator.round;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tensorswarm.common.protocol.LatestPointer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link FileBaseRevisionSource} reading the {@code latest} pointer. */
class FileBaseRevisionSourceTest {
    @TempDir
    Path dir;

    @Test
    void readsThePointerAndSeesItMove() throws Exception {
        FileBaseRevisionSource source = new FileBaseRevisionSource(dir);
        assertEquals(Optional.empty(), source.latest());
        Files.write(dir.resolve("latest"), new LatestPointer("0".repeat(64), 4).toJson());
        assertEquals(Optional.of(new LatestPointer("0".repeat(64), 4)), source.latest());
        Files.write(dir.resolve("latest"), new LatestPointer("1".repeat(64), 5).toJson());
        assertEquals(5, source.latest().orElseThrow().round());
    }

    @Test
    void refusesMalformedAndOversizedPointersNamingTheFile() throws Exception {
        FileBaseRevisionSource source = new FileBaseRevisionSource(dir);
        Files.writeString(dir.resolve("latest"), "{\"revision\":\"xyz\",\"round\":1}");
        BaseRevisionException e = assertThrows(BaseRevisionException.class, source::latest);
        assertTrue(e.getMessage().startsWith(dir.resolve("latest") + ": latest pointer"), e.getMessage());
        Files.writeString(dir.resolve("latest"), " ".repeat(LatestPointer.MAX_BYTES + 1));
        assertThrows(BaseRevisionException.class, source::latest);
    }
}
