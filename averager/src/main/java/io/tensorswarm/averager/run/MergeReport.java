package io.tensorswarm.averager.run;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.tensorswarm.common.TensorswarmException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.TreeMap;

/**
 * Returns what the averager did in one round; written to {@code <state>/merges/<round>.json}.
 *
 * @param round the round whose deltas were merged
 * @param baseRevision the base the deltas were trained on (the round's base)
 * @param targetRevision the base the merge was applied to: the newest base when the merge started,
 *     which is the round's own base or, when the previous round's merge landed meanwhile, its successor
 *     (a one-round-delayed outer step)
 * @param firstRound the round the published revision is the base of, or null when nothing was published
 * @param scores each scored miner's round score, computed by the validators' scoring code
 * @param merged hotkeys whose deltas went into the merge, by rank
 * @param skipped hotkey to the reason its delta was not used
 * @param alphas each merged hotkey's mixing weight
 * @param lossBefore the base's loss on the check pages, or null when no merge ran
 * @param lossAfter the merged model's loss on the check pages, or null when no merge ran
 * @param accepted whether a new revision was published
 * @param newRevision the published revision, or null
 * @param outerSteps accepted outer steps so far (after this round)
 * @param momentumReset whether this round discarded the outer momentum (the step with it was
 *     rejected; see {@code OuterOptimizer#restart})
 * @param lossWithMomentum the check loss of the rejected step that used the momentum, when {@code
 *     momentumReset}; else null ({@code lossAfter} is then the loss of the step from zero velocity)
 * @param note a one-line summary
 */
@JsonPropertyOrder(alphabetic = true)
@JsonInclude(JsonInclude.Include.ALWAYS)
public record MergeReport(
        long round,
        String baseRevision,
        String targetRevision,
        Long firstRound,
        Map<String, Double> scores,
        java.util.List<String> merged,
        Map<String, String> skipped,
        Map<String, Float> alphas,
        Double lossBefore,
        Double lossAfter,
        boolean accepted,
        String newRevision,
        long outerSteps,
        boolean momentumReset,
        Double lossWithMomentum,
        String note) {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);

    public MergeReport {
        merged = java.util.List.copyOf(merged);
        scores = new TreeMap<>(scores);
        skipped = new TreeMap<>(skipped);
        alphas = new TreeMap<>(alphas);
    }

    /** Writes the report atomically to {@code file}. */
    public void write(Path file) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            JSON.writeValue(tmp.toFile(), this);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new TensorswarmException("cannot write merge report " + file + ": " + e.getMessage(), e);
        }
    }

    /** Reads a report written by {@link #write}. */
    public static MergeReport read(Path file) {
        try {
            return JSON.readValue(file.toFile(), MergeReport.class);
        } catch (IOException e) {
            throw new TensorswarmException("cannot read merge report " + file + ": " + e.getMessage(), e);
        }
    }

    static Double finiteOrNull(double v) {
        return Double.isFinite(v) ? v : null;
    }
}
