package io.tensorswarm.common.protocol;

import io.tensorswarm.common.protocol.DeltaCodecException.Kind;
import io.tensorswarm.common.tensor.ParameterSet;
import java.util.List;

/**
 * Looks codecs up by name: {@code fp32}, {@code bf16}, {@code int8}, {@code topk} and {@code
 * sparseloco}, each with its
 * default parameters (decoders read the parameters from the stored file's metadata, so a default
 * codec decodes any parameters).
 *
 * <pre>{@code
 * ParameterSet stored = new SafetensorsReader(limits).read(path);
 * ParameterSet delta = DeltaCodecs.forStored(stored).decode(stored, base);
 * }</pre>
 */
public final class DeltaCodecs {
    /** The codec miners store deltas with unless told otherwise (a constant, for option defaults). */
    public static final String DEFAULT = SparseLocoCodec.NAME;
    private static final List<String> NAMES =
            List.of(Fp32Codec.NAME, Bf16Codec.NAME, Int8BlockCodec.NAME, TopKCodec.NAME, SparseLocoCodec.NAME);

    private DeltaCodecs() {}

    /** Returns the names of the known codecs. */
    public static List<String> names() {
        return NAMES;
    }

    /** Returns whether {@code name} is a known codec. */
    public static boolean isKnown(String name) {
        return NAMES.contains(name);
    }

    /**
     * Returns the codec called {@code name}, with default parameters.
     *
     * @throws DeltaCodecException ({@link Kind#UNKNOWN_CODEC}) when there is none
     */
    public static DeltaCodec forName(String name) {
        if (name == null) {
            throw new DeltaCodecException(Kind.UNKNOWN_CODEC, null, "no codec named");
        }
        return switch (name) {
            case Fp32Codec.NAME -> new Fp32Codec();
            case Bf16Codec.NAME -> new Bf16Codec();
            case Int8BlockCodec.NAME -> new Int8BlockCodec();
            case TopKCodec.NAME -> new TopKCodec();
            case SparseLocoCodec.NAME -> new SparseLocoCodec();
            default -> throw new DeltaCodecException(Kind.UNKNOWN_CODEC, null,
                    "unknown codec " + Quote.of(name) + "; known: " + String.join(", ", NAMES));
        };
    }

    /**
     * Returns the codec a stored delta names in its {@code tensorswarm.codec} metadata.
     *
     * @throws DeltaCodecException ({@link Kind#UNKNOWN_CODEC}) when the key is missing or unknown
     */
    public static DeltaCodec forStored(ParameterSet stored) {
        String name = stored.metadata().get(DeltaMetadata.CODEC);
        if (name == null) {
            throw new DeltaCodecException(Kind.UNKNOWN_CODEC, null,
                    "stored delta has no " + DeltaMetadata.CODEC + " metadata");
        }
        return forName(name);
    }
}
