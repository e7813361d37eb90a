package io.tensorswarm.validator.scoring;

import io.tensorswarm.common.TensorswarmException;

/**
 * Thrown when the score file cannot be read or written: unreadable, corrupt, or of an unknown
 * schema version. The message is one line and names the file. A corrupt file is never silently
 * replaced by an empty book: the operator decides (restore it, or delete it to start over).
 */
public class ScoreBookException extends TensorswarmException {
    private static final long serialVersionUID = 1L;

    public ScoreBookException(String message) {
        super(message);
    }

    public ScoreBookException(String message, Throwable cause) {
        super(message, cause);
    }
}
