package io.tensorswarm.protocol.scoring;

import io.tensorswarm.common.TensorswarmException;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The decoded deltas a scorer kept from its last few rounds (see {@link ScoringHistory}), kept in full on disk as {@code
 * <dir>/<round>/<hotkey>.safetensors}, for {@link ProgressCheck}: what is new in a delta is measured
 * against their exact span, which a sketch is too coarse for. A round is written under a temporary
 * name and renamed into place, so a killed process leaves either the whole round or none of it;
 * rounds older than the window are deleted. Disk use is about {@code window x kept deltas per
 * round x F32 model size}. Not thread-safe.
 */
public final class DeltaArchive {
    /** One earlier delta on disk. */
    public record Entry(long round, String hotkey, Path file) {}

    private final Path dir;
    private final int window;

    /** An archive of {@code window} rounds under {@code dir} (created when the first round is put). */
    public DeltaArchive(Path dir, int window) {
        if (window < 0) {
            throw new IllegalArgumentException("delta archive window must be >= 0, got " + window);
        }
        this.dir = dir;
        this.window = window;
    }

    /** Returns the deltas of the rounds in {@code [round - window, round)}, oldest round first. */
    public List<Entry> before(long round) {
        List<Entry> out = new ArrayList<>();
        rounds().subMap(round - window, true, round, false).forEach((r, roundDir) -> {
            try (Stream<Path> files = Files.list(roundDir)) {
                files.filter(f -> f.getFileName().toString().endsWith(".safetensors"))
                        .sorted(Comparator.comparing(Path::toString))
                        .forEach(f -> {
                            String name = f.getFileName().toString();
                            out.add(new Entry(r, name.substring(0, name.length() - ".safetensors".length()), f));
                        });
            } catch (IOException e) {
                throw new TensorswarmException("cannot list the archived deltas in " + roundDir + ": " + e.getMessage(), e);
            }
        });
        return Collections.unmodifiableList(out);
    }

    /**
     * Records (or replaces) round {@code round}: copies each hotkey's decoded delta file into the
     * archive, then drops rounds that left the window.
     */
    public void put(long round, Map<String, Path> files) {
        Path target = dir.resolve(Long.toString(round));
        Path staging = dir.resolve(round + ".partial");
        try {
            deleteTree(staging);
            Files.createDirectories(staging);
            for (Map.Entry<String, Path> f : files.entrySet()) {
                Files.copy(f.getValue(), staging.resolve(f.getKey() + ".safetensors"),
                        StandardCopyOption.REPLACE_EXISTING);
            }
            deleteTree(target);
            Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
            TreeMap<Long, Path> all = rounds();
            long newest = all.lastKey();
            for (Map.Entry<Long, Path> r : all.entrySet()) {
                if (r.getKey() < newest - window) {
                    deleteTree(r.getValue());
                }
            }
        } catch (IOException e) {
            throw new TensorswarmException("cannot archive the deltas of round " + round + " in " + dir + ": "
                    + e.getMessage(), e);
        }
    }

    /** The round folders present, by round; anything else in the folder (a partial round) is ignored. */
    private TreeMap<Long, Path> rounds() {
        TreeMap<Long, Path> out = new TreeMap<>();
        if (!Files.isDirectory(dir)) {
            return out;
        }
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            for (Path p : entries) {
                String name = p.getFileName().toString();
                if (Files.isDirectory(p) && name.matches("\\d{1,18}")) {
                    out.put(Long.parseLong(name), p);
                }
            }
        } catch (IOException e) {
            throw new TensorswarmException("cannot list the delta archive " + dir + ": " + e.getMessage(), e);
        }
        return out;
    }

    private static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(p)) {
            for (Path q : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(q);
            }
        }
    }
}
