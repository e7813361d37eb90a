package io.tensorswarm.storage.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tensorswarm.common.cli.Cli;
import io.tensorswarm.common.cli.ExitCodes;
import io.tensorswarm.storage.TestFiles;
import io.tensorswarm.storage.transfer.Hex;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StorageCommandTest {
    @TempDir
    Path dir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        StorageCommand.environment = Map.of();
        return Cli.commandLine(new StorageCommand(), new PrintWriter(out, true), new PrintWriter(err, true)).execute(args);
    }

    @Test
    void checkPassesOnAWritableDirectoryAndCleansUp() throws Exception {
        Path loc = dir.resolve("store");
        assertEquals(ExitCodes.OK, run("check", "--location", loc.toString(), "--env-file", dir.resolve("none").toString()));
        assertTrue(out.toString().contains("  write: ok"), out.toString());
        assertTrue(out.toString().contains("  delete: ok"), out.toString());
        assertTrue(out.toString().contains("storage check passed"), out.toString());
        try (var files = Files.walk(loc)) {
            assertEquals(0, files.filter(Files::isRegularFile).count());
        }
    }

    @Test
    void checkNamesTheFailingStep() throws Exception {
        Path loc = dir.resolve("store");
        Files.createDirectories(loc);
        Files.writeString(loc.resolve("tensorswarm-check"), "a file where the probe folder should go");
        assertEquals(ExitCodes.FAILURE, run("check", "--location", loc.toString()));
        assertTrue(out.toString().contains("  write: FAILED (LOCAL_IO)"), out.toString());
        assertTrue(err.toString().startsWith("error: storage check failed: write"), err.toString());
    }

    @Test
    void putLsGetRoundTrip() throws Exception {
        Path src = dir.resolve("d.safetensors");
        byte[] data = TestFiles.write(src, 1000, 1);
        String loc = dir.resolve("store").toUri().toString();
        assertEquals(ExitCodes.OK, run("put", "--location", loc, "--key", "rounds/1/me/delta.safetensors", "--file", src.toString()));
        assertEquals(ExitCodes.OK, run("ls", "--location", loc, "--prefix", "rounds/1/"));
        assertTrue(out.toString().contains("rounds/1/me/delta.safetensors\t1000"), out.toString());
        Path got = dir.resolve("got");
        assertEquals(ExitCodes.OK, run("get", "--location", loc, "--key", "rounds/1/me/delta.safetensors", "--out", got.toString(),
                "--sha256", Hex.sha256Hex(data)));
        assertArrayEquals(data, Files.readAllBytes(got));
    }

    @Test
    void missingObjectIsAOneLineFailure() {
        assertEquals(ExitCodes.FAILURE, run("get", "--location", dir.toString(), "--key", "nope", "--out", dir.resolve("x").toString()));
        assertEquals(1, err.toString().strip().lines().count(), err.toString());
        assertTrue(err.toString().startsWith("error: no object nope"), err.toString());
    }

    @Test
    void traversalKeyIsRefused() {
        assertEquals(ExitCodes.FAILURE, run("get", "--location", dir.toString(), "--key", "../etc/passwd", "--out", dir.resolve("x").toString()));
        assertTrue(err.toString().contains("invalid key '../etc/passwd'"), err.toString());
    }

    @Test
    void missingLocationIsAUsageError() {
        assertEquals(ExitCodes.USAGE, run("ls"));
    }
}
