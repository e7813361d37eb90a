package io.tensorswarm.common.cli;

/** Process exit codes shared by every Tensorswarm command line. */
public final class ExitCodes {
    /** Success. */
    public static final int OK = 0;
    /** The command ran and failed: a bad file, a failed check, an invalid signature. */
    public static final int FAILURE = 1;
    /** The command line itself was wrong: unknown option, missing or malformed value. */
    public static final int USAGE = 2;
    /** The chain or stored state was not as expected (unreachable, inconsistent). */
    public static final int STATE = 3;
    /** A bug: an unexpected exception. The stack trace goes to the log at DEBUG. */
    public static final int INTERNAL = 4;

    private ExitCodes() {}
}
