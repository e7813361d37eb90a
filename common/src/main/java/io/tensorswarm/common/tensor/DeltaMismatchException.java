package io.tensorswarm.common.tensor;

import io.tensorswarm.common.TensorswarmException;

/**
 * Thrown when two parameter sets cannot be combined tensor by tensor: a tensor is missing or extra,
 * or its shape or dtype differs. {@link #tensor()} names the tensor at fault.
 */
public class DeltaMismatchException extends TensorswarmException {
    private static final long serialVersionUID = 1L;

    /** How the sets differ. */
    public enum Kind {
        /** A tensor of the reference set is absent from the other. */
        MISSING_TENSOR,
        /** The other set has a tensor the reference set lacks. */
        UNEXPECTED_TENSOR,
        /** Same name, different shape. */
        SHAPE,
        /** Same name, a different or non-floating-point dtype. */
        DTYPE,
        /** Sets or weights of different counts. */
        COUNT
    }

    private final Kind kind;
    private final String tensor;

    /** Creates an exception about {@code tensor} (may be {@code null} for {@link Kind#COUNT}). */
    public DeltaMismatchException(Kind kind, String tensor, String message) {
        super(message);
        this.kind = kind;
        this.tensor = tensor;
    }

    public Kind kind() {
        return kind;
    }

    /** Returns the name of the tensor at fault, or {@code null} when the mismatch is not about one. */
    public String tensor() {
        return tensor;
    }
}
