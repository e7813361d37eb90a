package io.tensorswarm.common.safetensors;

import io.tensorswarm.common.TensorswarmException;
import java.util.Objects;

/**
 * Thrown when safetensors bytes break the format or the caller's limits; {@link #kind()} says which
 * rule, and the message names the source and, where there is one, the tensor at fault.
 */
public class SafetensorsException extends TensorswarmException {
    private static final long serialVersionUID = 1L;

    /** The rule a file broke. */
    public enum Kind {
        /** The header length field exceeds {@link ReadLimits#maxHeaderBytes()}. */
        HEADER_TOO_LARGE,
        /** The header is not UTF-8 JSON of the expected shape (wrong types, missing or extra fields). */
        HEADER_MALFORMED,
        /** A tensor names a dtype this reader does not know. */
        UNKNOWN_DTYPE,
        /** A shape has a negative, non-integer or overflowing dimension, or too many dimensions. */
        BAD_SHAPE,
        /** A tensor's offsets are negative, reversed, or reach past the end of the data buffer. */
        OFFSETS_OUT_OF_RANGE,
        /** The tensors leave a gap in the data buffer, or bytes after the last tensor. */
        OFFSETS_NOT_CONTIGUOUS,
        /** Two tensors' byte ranges overlap. */
        OVERLAP,
        /** A tensor's byte range does not equal its dtype size times its element count. */
        SIZE_MISMATCH,
        /** The data buffer (or the whole file) exceeds {@link ReadLimits#maxTotalBytes()}. */
        FILE_TOO_LARGE,
        /** One tensor is larger than this reader can hold in one buffer (2 GiB). */
        TENSOR_TOO_LARGE,
        /** The header lists more tensors than {@link ReadLimits#maxTensors()}. */
        TOO_MANY_TENSORS,
        /** The file or stream ends before the header or a tensor does. */
        TRUNCATED,
        /** A tensor name (or {@code __metadata__}) appears twice. */
        DUPLICATE_NAME,
        /** {@code __metadata__} is not a map of strings to strings. */
        BAD_METADATA,
        /** A requested tensor is not in the file. */
        NO_SUCH_TENSOR
    }

    private final Kind kind;
    private final String source;

    /** Creates an exception whose message is {@code source + ": " + detail}. */
    public SafetensorsException(Kind kind, String source, String detail) {
        super(source + ": " + detail);
        this.kind = Objects.requireNonNull(kind, "kind");
        this.source = source;
    }

    /** Creates an exception with a cause, whose message is {@code source + ": " + detail}. */
    public SafetensorsException(Kind kind, String source, String detail, Throwable cause) {
        super(source + ": " + detail, cause);
        this.kind = Objects.requireNonNull(kind, "kind");
        this.source = source;
    }

    /** Returns the rule the input broke. */
    public Kind kind() {
        return kind;
    }

    /** Returns the file or stream name the input came from. */
    public String source() {
        return source;
    }
}
