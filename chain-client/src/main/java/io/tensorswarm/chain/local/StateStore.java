package io.tensorswarm.chain.local;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import com.fasterxml.jackson.annotation.PropertyAccessor;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tensorswarm.chain.ChainException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a {@link ChainState} in {@code <dir>/state.json} and runs transactions on it that are
 * serialized across threads and processes: each takes a JVM-wide lock for the folder, then an
 * exclusive {@link FileChannel#lock()} on {@code <dir>/state.lock}, reads the document, and, if the
 * transaction changed it, writes a temporary file, forces it to disk and renames it over {@code
 * state.json} atomically. A writer killed at any point leaves either the old or the new document,
 * never a torn one; stale temporary files are removed by the next transaction.
 */
final class StateStore {
    private static final Logger log = LoggerFactory.getLogger(StateStore.class);
    private static final ConcurrentHashMap<Path, ReentrantLock> LOCKS = new ConcurrentHashMap<>();
    static final String STATE_FILE = "state.json";
    static final String LOCK_FILE = "state.lock";
    private static final String TEMP_PREFIX = ".state.json.tmp-";

    private final Path dir;
    private final Path stateFile;
    private final Path lockFile;
    private final ReentrantLock jvmLock;
    private final ObjectMapper mapper;

    StateStore(Path dir) {
        try {
            Files.createDirectories(dir);
            this.dir = dir.toRealPath();
        } catch (IOException e) {
            throw new ChainException("Cannot create the local chain folder " + dir + ": " + e.getMessage(), e, false);
        }
        this.stateFile = this.dir.resolve(STATE_FILE);
        this.lockFile = this.dir.resolve(LOCK_FILE);
        this.jvmLock = LOCKS.computeIfAbsent(this.dir, p -> new ReentrantLock());
        this.mapper = new ObjectMapper()
                .setVisibility(PropertyAccessor.GETTER, JsonAutoDetect.Visibility.NONE)
                .setVisibility(PropertyAccessor.IS_GETTER, JsonAutoDetect.Visibility.NONE)
                .setVisibility(PropertyAccessor.SETTER, JsonAutoDetect.Visibility.NONE)
                .setVisibility(PropertyAccessor.FIELD, JsonAutoDetect.Visibility.ANY)
                .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
    }

    Path directory() {
        return dir;
    }

    /** The outcome of a transaction body: its value and whether it changed the state. */
    record Outcome<T>(T value, boolean changed) {}

    /**
     * Runs {@code body} on the current state under both locks, creating the state with {@code
     * genesis} when the folder has none; writes the state back if the body reports a change. An
     * exception from the body discards its changes.
     */
    <T> T transact(Supplier<ChainState> genesis, Function<ChainState, Outcome<T>> body) {
        jvmLock.lock();
        try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                FileLock ignored = channel.lock()) {
            boolean fresh = !Files.exists(stateFile);
            ChainState state = fresh ? genesis.get() : read();
            Outcome<T> outcome = body.apply(state);
            if (fresh || outcome.changed()) {
                write(state);
            }
            return outcome.value();
        } catch (IOException e) {
            throw new ChainException("Local chain state in " + dir + " is not accessible: " + e.getMessage(), e, true);
        } finally {
            jvmLock.unlock();
        }
    }

    private ChainState read() throws IOException {
        byte[] bytes = Files.readAllBytes(stateFile);
        ChainState state;
        try {
            state = mapper.readValue(bytes, ChainState.class);
        } catch (IOException e) {
            String why = e instanceof com.fasterxml.jackson.core.JsonProcessingException j ? j.getOriginalMessage()
                    : e.getMessage();
            if (e instanceof com.fasterxml.jackson.databind.JsonMappingException m && !m.getPath().isEmpty()) {
                why = "field " + m.getPath().get(m.getPath().size() - 1).getFieldName() + ": " + why;
            }
            throw new ChainException("Local chain state " + stateFile + " is corrupt: "
                    + String.valueOf(why).lines().findFirst().orElse(""), e, false);
        }
        if (state == null) {
            throw new ChainException("Local chain state " + stateFile + " is corrupt: empty document");
        }
        state.problem().ifPresent(why -> {
            throw new ChainException("Local chain state " + stateFile + " is corrupt: " + why
                    + " (restore it, or delete the folder to start a new chain)");
        });
        return state;
    }

    private void write(ChainState state) throws IOException {
        removeStaleTemporaries();
        byte[] bytes = mapper.writeValueAsBytes(state);
        Path tmp = Files.createTempFile(dir, TEMP_PREFIX, "");
        try (FileChannel out = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer buf = ByteBuffer.wrap(bytes);
            while (buf.hasRemaining()) {
                out.write(buf);
            }
            out.force(true);
        }
        Files.move(tmp, stateFile, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    /** Deletes temporaries left by a killed writer; safe because the caller holds the file lock. */
    private void removeStaleTemporaries() throws IOException {
        try (DirectoryStream<Path> stale = Files.newDirectoryStream(dir, TEMP_PREFIX + "*")) {
            for (Path p : stale) {
                log.debug("Removing {} left by an interrupted writer", p);
                Files.deleteIfExists(p);
            }
        }
    }
}
