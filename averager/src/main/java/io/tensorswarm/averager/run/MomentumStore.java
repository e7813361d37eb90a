package io.tensorswarm.averager.run;

import io.tensorswarm.averager.merge.MergeStateException;
import io.tensorswarm.averager.merge.OuterOptimizer;
import io.tensorswarm.common.tensor.ParameterSet;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The averager's outer momentum on disk, kept in step with {@code latest} even across kill -9.
 *
 * <p>Two files in the state folder, each written atomically (temporary file, fsync, rename) and
 * tagged with the base revision its velocity belongs to: {@value #FILE}, the current momentum, and
 * {@value #NEXT_FILE}, the momentum of a revision being published. An accepted merge {@link
 * #stage}s the new momentum for the new revision <em>before</em> {@code latest} moves and {@link
 * #commit}s it (a rename) after. {@link #load} settles a leftover next file against the revision
 * {@code latest} names: if {@code latest} moved to it, the process died between the pointer move
 * and the commit, and the next file is promoted; otherwise the publish never completed, and it is
 * deleted. So the momentum always matches {@code latest}: no update is lost and none is applied
 * twice.
 *
 * <p>A current momentum tagged with another revision than {@code latest} (someone published a
 * model by hand) is restarted at load: it belongs to another trajectory. Files written before the
 * tag existed carry none and are kept.
 */
public final class MomentumStore {
    private static final Logger log = LoggerFactory.getLogger(MomentumStore.class);

    /** File name of the current momentum inside the state folder. */
    public static final String FILE = "outer-momentum.safetensors";
    /** File name of the momentum staged for a revision that is being published. */
    public static final String NEXT_FILE = "outer-momentum.next.safetensors";

    private final Path file;
    private final Path next;

    public MomentumStore(Path stateDir) {
        this.file = stateDir.resolve(FILE);
        this.next = stateDir.resolve(NEXT_FILE);
    }

    /** Returns the path of the current momentum file. */
    public Path file() {
        return file;
    }

    /** Returns the path of the staged momentum file. */
    public Path nextFile() {
        return next;
    }

    /**
     * Returns the optimizer with the momentum that belongs to {@code latestRevision}, after settling
     * a staged file left by an interrupted publish.
     *
     * @throws MergeStateException when the current file is unreadable or does not fit {@code base}
     */
    public OuterOptimizer load(String latestRevision, ParameterSet base, float learningRate, float momentum) {
        if (Files.exists(next)) {
            settle(latestRevision, base, learningRate, momentum);
        }
        OuterOptimizer outer = OuterOptimizer.load(file, base, learningRate, momentum);
        if (outer.revision() != null && !outer.revision().equals(latestRevision) && outer.restart()) {
            log.warn("the outer momentum belongs to revision {} but latest is {} (published by hand?); restarted it",
                    outer.revision(), latestRevision);
            outer.save(file, latestRevision);
        }
        return outer;
    }

    private void settle(String latestRevision, ParameterSet base, float learningRate, float momentum) {
        String staged;
        try {
            staged = OuterOptimizer.load(next, base, learningRate, momentum).revision();
        } catch (MergeStateException e) {
            log.warn("discarding unreadable staged momentum {}: {}", next, e.getMessage());
            staged = null;
        }
        try {
            if (latestRevision.equals(staged)) {
                Files.move(next, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                syncDirectory(file.toAbsolutePath().getParent());
                log.info("latest moved to {} before the momentum was committed; committed it now", staged);
            } else {
                Files.delete(next);
                log.info("discarded the momentum staged for {}: latest never moved to it", staged);
            }
        } catch (IOException e) {
            throw new MergeStateException("cannot settle staged momentum " + next + ": " + e.getMessage(), e);
        }
    }

    /**
     * Writes {@code outer}'s momentum as the one for {@code revision}, which is about to become
     * {@code latest}; the current file is unchanged until {@link #commit}.
     *
     * @throws MergeStateException when the file cannot be written
     */
    public void stage(OuterOptimizer outer, String revision) {
        outer.save(next, revision);
    }

    /**
     * Makes the staged momentum current; call right after {@code latest} moved.
     *
     * @throws MergeStateException when the rename fails (the next {@link #load} settles it)
     */
    public void commit() {
        if (!Files.exists(next)) {
            return; // nothing was staged: the optimizer had no velocity to save
        }
        try {
            Files.move(next, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new MergeStateException("cannot commit momentum " + next + " to " + file + ": " + e.getMessage(), e);
        }
        syncDirectory(file.toAbsolutePath().getParent());
    }

    /** Makes a rename durable; file systems that refuse to open a folder need no such step. */
    private static void syncDirectory(Path dir) {
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            // best effort: the file's content is already synced
        }
    }

    /**
     * Writes {@code outer}'s momentum as the current one for {@code revision} (which is {@code
     * latest}): after a restart, when {@code latest} does not move.
     *
     * @throws MergeStateException when the file cannot be written
     */
    public void save(OuterOptimizer outer, String revision) {
        outer.save(file, revision);
    }
}
