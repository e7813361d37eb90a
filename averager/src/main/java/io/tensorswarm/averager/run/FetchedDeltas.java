package io.tensorswarm.averager.run;

import io.tensorswarm.averager.merge.HotkeyDelta;
import io.tensorswarm.common.TensorswarmException;
import io.tensorswarm.common.protocol.DeltaCodec;
import io.tensorswarm.common.protocol.DeltaCodecs;
import io.tensorswarm.common.protocol.DeltaFileBounds;
import io.tensorswarm.common.protocol.DeltaMetadata;
import io.tensorswarm.common.protocol.SparseDelta;
import io.tensorswarm.common.safetensors.SafetensorsHeader;
import io.tensorswarm.common.safetensors.SafetensorsReader;
import io.tensorswarm.common.tensor.ParameterSet;
import io.tensorswarm.protocol.fetch.FetchRequest;
import io.tensorswarm.protocol.scoring.RoundScorer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads a fetched delta for the merge from the round's cache folder: when the fetcher kept the
 * verified file of a sparse codec ({@link FetchRequest#encodedCopy}), decodes it again with {@link
 * DeltaCodec#decodeSparse} (every rule checked once more) into its kept entries, so G such deltas
 * take memory in proportion to what their miners kept; otherwise reads the decoded dense delta.
 * A sparse form that would take more memory than the dense delta (a {@code topk} fraction above
 * one half) is merged densely.
 */
final class FetchedDeltas {
    private static final Logger log = LoggerFactory.getLogger(FetchedDeltas.class);

    private FetchedDeltas() {}

    /** Returns the delta of {@code hotkey} fetched into {@code cache}, for a base of {@code layout}. */
    static HotkeyDelta read(Path cache, String hotkey, ParameterSet layout) {
        Path decoded = RoundScorer.cachedDelta(cache, hotkey);
        Path encoded = FetchRequest.encodedCopy(decoded);
        if (Files.isRegularFile(encoded)) {
            try {
                SparseDelta sparse = decodeSparse(encoded, layout);
                if (sparse.heapBytes() < 4 * sparse.elementCount()) {
                    return new HotkeyDelta(hotkey, sparse);
                }
                return new HotkeyDelta(hotkey, sparse.toDense());
            } catch (IOException | TensorswarmException e) {
                log.warn("cannot decode the kept file {} sparse ({}); merging the decoded delta", encoded, e.getMessage());
            }
        }
        return new HotkeyDelta(hotkey, RoundScorer.readDelta(decoded));
    }

    /** Reads a kept delta file within its codec's bounds for the layout and decodes it sparse. */
    static SparseDelta decodeSparse(Path file, ParameterSet layout) throws IOException {
        SafetensorsHeader header = new SafetensorsReader().readHeader(file);
        DeltaCodec codec = DeltaCodecs.forName(String.valueOf(header.metadata().get(DeltaMetadata.CODEC)));
        ParameterSet stored = new SafetensorsReader(DeltaFileBounds.of(codec, layout).readLimits()).read(file);
        return codec.decodeSparse(stored, layout);
    }
}
