package io.tensorswarm.miner.run;

/** Waits; the daemon's only way to pass time, so tests can drive a mock clock instead. */
@FunctionalInterface
public interface Sleeper {
    /** The real clock. */
    Sleeper SYSTEM = Thread::sleep;

    /** Returns after about {@code millis} milliseconds. */
    void sleep(long millis) throws InterruptedException;
}
