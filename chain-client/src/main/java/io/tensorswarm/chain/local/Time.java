package io.tensorswarm.chain.local;

/**
 * Returns the current wall-clock time in milliseconds; the local chain derives its block number
 * from it. Inject {@link MockTime} in tests to drive blocks, rate limits and epochs
 * deterministically.
 */
@FunctionalInterface
public interface Time {
    /** The system clock. */
    Time SYSTEM = System::currentTimeMillis;

    /** Returns milliseconds since the Unix epoch. */
    long milliseconds();
}
