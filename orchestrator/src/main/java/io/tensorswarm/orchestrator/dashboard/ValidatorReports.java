package io.tensorswarm.orchestrator.dashboard;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads a validator's per-round results ({@code <validator state.dir>/rounds/<round>.json}, written
 * by {@code validator run}) for the dashboard: the base loss the validator measured and each miner's
 * score, smoothed score and weight. Only the fields named here are read; files that cannot be read
 * or parsed are skipped (a validator may be writing one). Parsed files are cached by modification
 * time. Safe for concurrent use.
 *
 * <pre>{@code
 * ValidatorReports reports = new ValidatorReports(Path.of("state/validator"));
 * List<ValidatorReports.Round> last = reports.lastRounds(32);
 * }</pre>
 */
public final class ValidatorReports {
    private static final Logger log = LoggerFactory.getLogger(ValidatorReports.class);
    private static final Pattern FILE = Pattern.compile("(0|[1-9][0-9]{0,17})\\.json");
    private static final ObjectMapper JSON = new ObjectMapper();
    static final int MAX_FILE_BYTES = 4 << 20;

    /**
     * One round as the validator reported it.
     *
     * @param round the round
     * @param baseLoss the base model's loss on the validator's evaluation pages, or null
     * @param miners hotkey to its result, sorted by hotkey
     */
    public record Round(long round, Double baseLoss, Map<String, Miner> miners) {
        public Round {
            miners = new TreeMap<>(miners);
        }
    }

    /**
     * One miner's result in a round.
     *
     * @param score the round's score
     * @param smoothed the smoothed score
     * @param weight the weight the validator set from it
     */
    public record Miner(Double score, Double smoothed, Double weight) {}

    private record Cached(FileTime modified, long size, Round round) {}

    private final Path dir;
    private final Map<Path, Cached> cache = new HashMap<>();

    /** Reads {@code <validatorStateDir>/rounds/}. */
    public ValidatorReports(Path validatorStateDir) {
        this.dir = Objects.requireNonNull(validatorStateDir, "validatorStateDir").resolve("rounds");
    }

    /** Returns the folder read. */
    public Path dir() {
        return dir;
    }

    /** Returns the last {@code n} rounds reported, ascending; empty when the folder does not exist. */
    public synchronized List<Round> lastRounds(int n) {
        TreeMap<Long, Path> files = new TreeMap<>();
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (DirectoryStream<Path> s = Files.newDirectoryStream(dir, "*.json")) {
            for (Path p : s) {
                Matcher m = FILE.matcher(p.getFileName().toString());
                if (m.matches()) {
                    files.put(Long.parseLong(m.group(1)), p);
                }
            }
        } catch (IOException e) {
            log.debug("cannot list {}: {}", dir, e.toString());
            return List.of();
        }
        List<Round> out = new ArrayList<>();
        for (Path p : files.descendingMap().values()) {
            if (out.size() >= n) {
                break;
            }
            Round r = read(p);
            if (r != null) {
                out.add(0, r);
            }
        }
        cache.keySet().retainAll(files.values());
        return out;
    }

    private Round read(Path file) {
        try {
            FileTime modified = Files.getLastModifiedTime(file);
            long size = Files.size(file);
            Cached c = cache.get(file);
            if (c != null && c.modified().equals(modified) && c.size() == size) {
                return c.round();
            }
            if (size > MAX_FILE_BYTES) {
                return null;
            }
            JsonNode root;
            try (InputStream in = Files.newInputStream(file)) {
                root = JSON.readTree(in.readNBytes(MAX_FILE_BYTES));
            }
            if (root == null || !root.path("round").canConvertToLong()) {
                return null;
            }
            Map<String, Miner> miners = new HashMap<>();
            for (JsonNode m : root.path("miners")) {
                String hotkey = m.path("hotkey").asText("");
                if (!hotkey.isEmpty()) {
                    miners.put(hotkey, new Miner(number(m, "score"), number(m, "smoothed_score"), number(m, "weight")));
                }
            }
            Round round = new Round(root.get("round").asLong(), number(root, "base_loss"), miners);
            cache.put(file, new Cached(modified, size, round));
            return round;
        } catch (IOException | RuntimeException e) {
            log.debug("skipping {}: {}", file, e.toString());
            return null;
        }
    }

    private static Double number(JsonNode node, String field) {
        JsonNode v = node.get(field);
        return v != null && v.isNumber() && Double.isFinite(v.asDouble()) ? v.asDouble() : null;
    }
}
