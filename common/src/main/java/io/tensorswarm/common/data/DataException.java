package io.tensorswarm.common.data;

import io.tensorswarm.common.TensorswarmException;

/**
 * Thrown when a dataset, tokenizer file or token cache cannot be used: a malformed line, a missing
 * column, an empty corpus. The message names the file (and line, where there is one) at fault.
 */
public class DataException extends TensorswarmException {
    private static final long serialVersionUID = 1L;

    public DataException(String message) {
        super(message);
    }

    public DataException(String message, Throwable cause) {
        super(message, cause);
    }
}
