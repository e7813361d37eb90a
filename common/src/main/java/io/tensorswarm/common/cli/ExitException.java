package io.tensorswarm.common.cli;

/**
 * Thrown anywhere under a command to end it with a given exit code and a one-line message.
 *
 * <p>The message is printed as {@code error: <message>} with no stack trace.
 */
public class ExitException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final int exitCode;

    public ExitException(int exitCode, String message) {
        super(message);
        this.exitCode = exitCode;
    }

    public ExitException(int exitCode, String message, Throwable cause) {
        super(message, cause);
        this.exitCode = exitCode;
    }

    public int exitCode() {
        return exitCode;
    }
}
