package io.tensorswarm.common.protocol;

import java.util.Objects;

/**
 * Thrown when a delta cannot be encoded or a stored delta cannot be decoded: the stored tensors do
 * not match the base layout or the codec's rules. {@link #kind()} says which rule, {@link #tensor()}
 * names the tensor at fault (the stored tensor's name where there is one).
 */
public class DeltaCodecException extends ProtocolException {
    private static final long serialVersionUID = 1L;

    /** The rule the input broke. */
    public enum Kind {
        /** The codec name (argument or {@code tensorswarm.codec} metadata) is unknown or missing. */
        UNKNOWN_CODEC,
        /** The stored file's {@code tensorswarm.codec} names a different codec than the decoder's. */
        CODEC_MISMATCH,
        /** A codec parameter in the metadata is missing, unparsable or out of range. */
        BAD_PARAMETER,
        /** A tensor the layout needs is absent. */
        MISSING_TENSOR,
        /** A stored tensor the layout does not explain. */
        UNEXPECTED_TENSOR,
        /** A stored tensor's shape differs from what the layout and codec require. */
        SHAPE,
        /** A stored tensor's dtype is not one the codec allows. */
        DTYPE,
        /** A value (or a scale) is NaN or infinite, or a scale is negative. */
        NON_FINITE,
        /** A sparse index is out of range, repeated or not ascending, or there are more than the tensor has. */
        BAD_INDEX,
        /** A tensor name clashes with a name the codec derives ({@code .__scale}, {@code .__idx}, {@code .__val}). */
        NAME_CLASH
    }

    private final Kind kind;
    private final String tensor;

    /** Creates an exception about {@code tensor} (may be {@code null} when it is not about one). */
    public DeltaCodecException(Kind kind, String tensor, String message) {
        super(message);
        this.kind = Objects.requireNonNull(kind, "kind");
        this.tensor = tensor;
    }

    /** Returns the rule the input broke. */
    public Kind kind() {
        return kind;
    }

    /** Returns the name of the tensor at fault, or {@code null}. */
    public String tensor() {
        return tensor;
    }
}
