package io.tensorswarm.averager.run;

import io.tensorswarm.averager.merge.HotkeyDelta;
import io.tensorswarm.averager.merge.MergeResult;
import io.tensorswarm.averager.merge.Merger;
import io.tensorswarm.averager.merge.OuterOptimizer;
import io.tensorswarm.common.model.GptModel;
import io.tensorswarm.common.tensor.ParameterSet;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The averager's merge of a round's chosen deltas, read from the scorer's cache as {@link
 * FetchedDeltas} keeps them (sparse codecs as their kept entries): all of them; when that merge is
 * refused and there were several, the best-scored one alone, so one harmful delta cannot sink the
 * round. {@code averager run} and the swarm benchmark both merge through it.
 */
public final class ChosenDeltasMerge {
    private static final Logger log = LoggerFactory.getLogger(ChosenDeltasMerge.class);

    private ChosenDeltasMerge() {}

    /**
     * Returns the accepted merge of {@code top} (best first), or of its first delta alone, or the
     * refused merge of all of them (without its weights) when neither was accepted.
     *
     * @throws java.util.concurrent.CancellationException when {@code stop} returned true mid-merge
     */
    public static MergeResult merge(Merger merger, GptModel model, ParameterSet target, Path cache, List<String> top,
            List<int[]> fit, List<int[]> check, OuterOptimizer outer, BooleanSupplier stop) {
        MergeResult all = merger.merge(model, target, read(cache, top, target), fit, check, outer, stop);
        if (all.accepted() || top.size() == 1) {
            return all;
        }
        all = all.withoutWeights(); // free its weights and velocity before the second merge
        log.info("the merge of {} deltas was refused (loss {} -> {}); trying the best one alone", top.size(),
                all.lossBefore(), all.lossAfter());
        MergeResult best = merger.merge(model, target, read(cache, top.subList(0, 1), target), fit, check, outer, stop);
        return best.accepted() ? best : all;
    }

    /** Reads the chosen deltas: sparse codecs' as their kept entries, dense ones whole ({@link FetchedDeltas}). */
    private static List<HotkeyDelta> read(Path cache, List<String> hotkeys, ParameterSet layout) {
        List<HotkeyDelta> out = new ArrayList<>();
        for (String h : hotkeys) {
            out.add(FetchedDeltas.read(cache, h, layout));
        }
        return out;
    }
}
