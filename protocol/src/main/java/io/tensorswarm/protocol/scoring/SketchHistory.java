package io.tensorswarm.protocol.scoring;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tensorswarm.common.TensorswarmException;
import io.tensorswarm.common.safetensors.AtomicFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The count sketches ({@link DeltaSketch}) of every delta a scorer decoded in its last few rounds, so
 * that a delta re-labelled from an earlier round (its own or another miner's, whole, scaled, mixed or
 * with noise added) is recognised by {@link DeltaScreen} at a cost independent of model size. Kept in
 * {@code <state.dir>/sketches.json}, written atomically after each round; rounds older than the window
 * are dropped. Not thread-safe.
 */
public final class SketchHistory {
    /** Format version of the file. */
    public static final int SCHEMA_VERSION = 1;
    /** Rounds kept by default: a delta is compared with those of the 3 rounds before its own. */
    public static final int DEFAULT_WINDOW = 3;
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One earlier delta's sketch. */
    public record Entry(long round, String hotkey, DeltaSketch sketch) {}

    private final int window;
    private final int dimension;
    private final long seed;
    private final TreeMap<Long, Map<String, DeltaSketch>> rounds = new TreeMap<>();

    /** Creates an empty history of {@code window} rounds of sketches with the given shape. */
    public SketchHistory(int window, int dimension, long seed) {
        if (window < 0) {
            throw new IllegalArgumentException("sketch history window must be >= 0, got " + window);
        }
        this.window = window;
        this.dimension = dimension;
        this.seed = seed;
    }

    /**
     * Returns the history in {@code file}, or an empty one when there is none or it was made with
     * another sketch shape (dimension or seed), which no later sketch could be compared with.
     *
     * @throws TensorswarmException (one line naming the file) when it exists but cannot be read
     */
    public static SketchHistory load(Path file, int window, int dimension, long seed) {
        SketchHistory h = new SketchHistory(window, dimension, seed);
        JsonNode root;
        try {
            root = JSON.readTree(Files.readAllBytes(file));
        } catch (NoSuchFileException e) {
            return h;
        } catch (IOException e) {
            throw new TensorswarmException("cannot read the sketch history " + file + ": " + e.getMessage(), e);
        }
        if (root == null || !root.isObject() || root.path("schema_version").asInt(-1) != SCHEMA_VERSION) {
            throw new TensorswarmException("the sketch history " + file + " is not a version " + SCHEMA_VERSION
                    + " history; move it away to start a new one");
        }
        if (root.path("dimension").asInt(-1) != dimension || root.path("seed").asLong(0) != seed) {
            return h;
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = root.path("rounds").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> r = it.next();
            long round;
            try {
                round = Long.parseLong(r.getKey());
            } catch (NumberFormatException e) {
                throw new TensorswarmException("the sketch history " + file + " has a bad round " + r.getKey(), e);
            }
            Map<String, DeltaSketch> sketches = new LinkedHashMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> ks = r.getValue().fields(); ks.hasNext(); ) {
                Map.Entry<String, JsonNode> k = ks.next();
                JsonNode values = k.getValue();
                if (!values.isArray() || values.size() != dimension) {
                    throw new TensorswarmException("the sketch history " + file + " has a malformed sketch for "
                            + k.getKey() + " in round " + round);
                }
                double[] buckets = new double[dimension];
                for (int i = 0; i < dimension; i++) {
                    buckets[i] = values.get(i).asDouble(Double.NaN);
                    if (!Double.isFinite(buckets[i])) {
                        throw new TensorswarmException("the sketch history " + file + " has a non-finite value for "
                                + k.getKey() + " in round " + round);
                    }
                }
                sketches.put(k.getKey(), DeltaSketch.of(buckets, seed));
            }
            h.rounds.put(round, sketches);
        }
        h.prune();
        return h;
    }

    /** Returns the sketches of the rounds in {@code [round - window, round)}, oldest first. */
    public List<Entry> before(long round) {
        List<Entry> out = new ArrayList<>();
        for (Map.Entry<Long, Map<String, DeltaSketch>> r : rounds.subMap(round - window, true, round, false).entrySet()) {
            r.getValue().forEach((hotkey, sketch) -> out.add(new Entry(r.getKey(), hotkey, sketch)));
        }
        return Collections.unmodifiableList(out);
    }

    /** Records (or replaces) the sketches of {@code round} and drops rounds that left the window. */
    public void put(long round, Map<String, DeltaSketch> sketches) {
        rounds.put(round, new LinkedHashMap<>(sketches));
        prune();
    }

    /** Writes the history to {@code file} atomically. */
    public void save(Path file) {
        ObjectNode root = JSON.createObjectNode();
        root.put("schema_version", SCHEMA_VERSION);
        root.put("dimension", dimension);
        root.put("seed", seed);
        ObjectNode rs = root.putObject("rounds");
        rounds.forEach((round, sketches) -> {
            ObjectNode r = rs.putObject(Long.toString(round));
            sketches.forEach((hotkey, sketch) -> {
                ArrayNode a = r.putArray(hotkey);
                for (double v : sketch.buckets()) {
                    a.add(v);
                }
            });
        });
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            AtomicFiles.write(file, JSON.writeValueAsBytes(root));
        } catch (IOException e) {
            throw new TensorswarmException("cannot write the sketch history " + file + ": " + e.getMessage(), e);
        }
    }

    private void prune() {
        if (!rounds.isEmpty()) {
            long newest = rounds.lastKey();
            rounds.headMap(newest - window, false).clear();
        }
    }
}
