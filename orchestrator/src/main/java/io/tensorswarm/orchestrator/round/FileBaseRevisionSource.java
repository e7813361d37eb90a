package io.tensorswarm.orchestrator.round;

import io.tensorswarm.common.protocol.LatestPointer;
import io.tensorswarm.common.protocol.ProtocolException;
import io.tensorswarm.common.protocol.StorageLayout;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Reads the {@code latest} pointer ({@link StorageLayout#LATEST}) from a local folder on every call,
 * so a pointer the averager moves is seen at once. Reads at most {@link LatestPointer#MAX_BYTES} + 1
 * bytes. Safe for concurrent use.
 *
 * <pre>{@code
 * BaseRevisionSource base = new FileBaseRevisionSource(Path.of("/srv/tensorswarm/store"));
 * base.latest().map(LatestPointer::revision);
 * }</pre>
 */
public final class FileBaseRevisionSource implements BaseRevisionSource {
    private final Path file;

    /** Reads {@code <folder>/latest}. */
    public FileBaseRevisionSource(Path folder) {
        this.file = folder.resolve(StorageLayout.LATEST);
    }

    /** Returns the pointer file's path. */
    public Path file() {
        return file;
    }

    @Override
    public Optional<LatestPointer> latest() {
        byte[] bytes;
        try (InputStream in = Files.newInputStream(file)) {
            bytes = in.readNBytes(LatestPointer.MAX_BYTES + 1);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new BaseRevisionException("cannot read " + file + ": " + e.getMessage(), e);
        }
        try {
            return Optional.of(LatestPointer.parse(bytes));
        } catch (ProtocolException e) {
            throw new BaseRevisionException(file + ": " + e.getMessage(), e);
        }
    }
}
