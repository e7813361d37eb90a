package io.tensorswarm.common.protocol;

import io.tensorswarm.common.safetensors.SafetensorsHeader;
import io.tensorswarm.common.tensor.ParameterSet;

/**
 * Turns an F32 weight delta into the tensors stored in a delta's safetensors file, and back.
 *
 * <p>{@link #encode} is deterministic: the same delta gives the same tensors, bit for bit, on any
 * machine. It keeps the delta's metadata and adds {@code tensorswarm.codec} (and the codec's
 * parameters). {@link #decode} treats its input as hostile: it checks names, shapes, dtypes,
 * parameters and values against the base layout before it trusts them, allocates only what the
 * layout implies, and throws {@link DeltaCodecException} naming the tensor at fault, never an
 * unchecked error of another type. Implementations are immutable and thread-safe.
 *
 * <pre>{@code
 * DeltaCodec codec = DeltaCodecs.forName("int8");
 * ParameterSet stored = codec.encode(delta);                    // write with SafetensorsWriter
 * ParameterSet back = DeltaCodecs.forStored(read).decode(read, base); // validator side
 * }</pre>
 */
public interface DeltaCodec {
    /** Returns the codec's name, as written in {@code tensorswarm.codec}. */
    String name();

    /**
     * Returns whether a miner should carry what this codec drops into its next round ({@link
     * ErrorFeedback}): true for the sparse codecs, whose single round keeps only a small part of a delta.
     */
    default boolean needsErrorFeedback() {
        return false;
    }

    /**
     * Returns the tensors to store for {@code deltaF32}, with its metadata plus the codec's keys.
     *
     * @throws DeltaCodecException when a tensor is not F32, holds a non-finite value, or its name
     *     clashes with a name the codec derives
     */
    ParameterSet encode(ParameterSet deltaF32);

    /**
     * Returns the F32 delta that {@code stored} encodes: exactly {@code layout}'s names and shapes,
     * in {@code layout}'s order, every value finite, no metadata. Only the names and shapes of
     * {@code layout} (the base model) are used.
     *
     * @throws DeltaCodecException when {@code stored} does not match the layout or the codec's rules
     */
    ParameterSet decode(ParameterSet stored, ParameterSet layout);

    /**
     * Returns whether {@link #decodeSparse} builds its result without the dense delta (true for
     * {@code topk} and {@code sparseloco}, whose deltas are mostly zeros), so that a caller holding
     * many deltas (the averager's merge) can keep them in memory that grows with their kept entries.
     */
    default boolean decodesSparse() {
        return false;
    }

    /**
     * Returns the delta {@code stored} encodes as its listed entries: {@link SparseDelta#toDense()}
     * equals {@link #decode} value for value. The same rules are checked, with the same errors, and
     * nothing is allocated in proportion to what {@code stored} claims before its header is checked
     * against {@code layout}. Codecs for which {@link #decodesSparse} is false decode densely and
     * keep the non-zero values.
     *
     * @throws DeltaCodecException when {@code stored} does not match the layout or the codec's rules
     */
    default SparseDelta decodeSparse(ParameterSet stored, ParameterSet layout) {
        return SparseDelta.ofDense(decode(stored, layout));
    }

    /**
     * Checks a stored delta's header against {@code layout} before any tensor byte is read, by the
     * same structural rules {@link #decode} applies: the codec named in metadata, valid codec
     * parameters, and exactly the tensor names, dtypes and shapes this codec stores for the layout.
     * A header that passes fixes the delta's size ({@link SafetensorsHeader#fileLength()}); only the
     * values remain for {@link #decode} to check.
     *
     * @throws DeltaCodecException naming the first rule the header breaks
     */
    void checkHeader(SafetensorsHeader header, ParameterSet layout);

    /**
     * Returns the most tensor-data bytes any stored delta of this codec can hold for {@code layout},
     * over every parameter value {@link #decode} accepts (saturating at {@link Long#MAX_VALUE}); a
     * fetcher refuses a bigger delta before reading it.
     */
    long maxDataBytes(ParameterSet layout);
}
