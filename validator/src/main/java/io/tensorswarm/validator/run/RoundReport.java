package io.tensorswarm.validator.run;

import io.tensorswarm.protocol.scoring.MinerResult;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

/**
 * Returns one round's machine-readable result ({@code <state.dir>/rounds/<round>.json}): the base
 * revision and loss, the pages used, every committed miner's {@link MinerResult}, and what happened
 * to the weights.
 *
 * @param round the round
 * @param baseRevision the base model's revision
 * @param baseLoss the base model's loss on the unassigned evaluation pages (NaN when nobody was evaluated)
 * @param evalPages the number of unassigned evaluation pages
 * @param miners one entry per counted commitment, in commitment order
 * @param weights what was done with the weights: {@code set}, {@code committed}, {@code skipped: ...}
 */
public record RoundReport(long round, String baseRevision, double baseLoss, int evalPages, List<MinerResult> miners,
        String weights) {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Copies the list. */
    public RoundReport {
        miners = List.copyOf(miners);
    }

    /** Returns the result of {@code hotkey}, or null. */
    public MinerResult miner(String hotkey) {
        return miners.stream().filter(m -> m.hotkey().equals(hotkey)).findFirst().orElse(null);
    }

    /** Returns a copy with another weights status. */
    public RoundReport withWeights(String status) {
        return new RoundReport(round, baseRevision, baseLoss, evalPages, miners, status);
    }

    /** Returns the JSON form; NaN numbers are written as {@code null}. */
    public ObjectNode toJson() {
        ObjectNode root = JSON.createObjectNode();
        root.put("round", round);
        root.put("base_revision", baseRevision);
        number(root, "base_loss", baseLoss);
        root.put("eval_pages", evalPages);
        root.put("weights", weights);
        ArrayNode list = root.putArray("miners");
        for (MinerResult m : miners) {
            ObjectNode n = list.addObject();
            n.put("hotkey", m.hotkey());
            n.put("uid", m.uid());
            n.put("commit_block", m.commitBlock());
            number(n, "improvement", m.improvement());
            number(n, "assigned_improvement", m.assignedImprovement());
            number(n, "loss_after", m.lossAfter());
            n.put("score", m.score());
            n.put("smoothed_score", m.smoothed());
            n.put("weight", m.weight());
            if (m.reason() == null) {
                n.putNull("reason");
            } else {
                n.put("reason", m.reason());
            }
            if (m.detail() != null) {
                n.put("detail", m.detail());
            }
            n.put("anomalous", m.anomalous());
        }
        return root;
    }

    /** Writes {@link #toJson()} to {@code file} atomically (temporary file, then rename). */
    public void write(Path file) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            JSON.writerWithDefaultPrettyPrinter().writeValue(tmp.toFile(), toJson());
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the round result " + file, e);
        }
    }

    private static void number(ObjectNode node, String key, double value) {
        if (Double.isFinite(value)) {
            node.put(key, value);
        } else {
            node.putNull(key);
        }
    }
}
