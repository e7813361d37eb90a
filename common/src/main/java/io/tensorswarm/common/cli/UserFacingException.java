package io.tensorswarm.common.cli;

/**
 * Marks an exception whose message is written for the person running the command (a bad file, a
 * failed check). The command line prints it alone, with exit code {@link ExitCodes#FAILURE}.
 */
public interface UserFacingException {}
