package io.tensorswarm.miner.run;

import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Kills the first training worker ({@code TrainWorker}) this JVM starts with SIGKILL, as the
 * kernel's OOM killer would: a real crash of the real worker process, for tests of the supervisor.
 * Watches this JVM's child processes from a daemon thread until it has killed one or is closed.
 */
final class FirstWorkerKiller implements AutoCloseable {
    private static final Path JAVA = Path.of(System.getProperty("java.home"), "bin", "java");

    private final AtomicLong killedPid = new AtomicLong(-1);
    private final Thread watcher;
    private volatile boolean closed;

    FirstWorkerKiller() {
        watcher = new Thread(this::watch, "first-worker-killer");
        watcher.setDaemon(true);
        watcher.start();
    }

    /** Returns whether a worker was killed. */
    boolean killed() {
        return killedPid.get() >= 0;
    }

    private void watch() {
        while (!closed && !killed()) {
            Optional<ProcessHandle> worker = ProcessHandle.current().children().filter(FirstWorkerKiller::isWorker)
                    .findFirst();
            if (worker.isPresent() && worker.get().destroyForcibly()) {
                killedPid.set(worker.get().pid());
                return;
            }
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /**
     * A child running this JVM's {@code java} is a worker: the tests start no other. (The command line
     * cannot tell: Linux reports only its first 4 KiB, and the class path fills them.)
     */
    private static boolean isWorker(ProcessHandle p) {
        return p.info().command().map(c -> Path.of(c).equals(JAVA)).orElse(false);
    }

    @Override
    public void close() throws InterruptedException {
        closed = true;
        watcher.join(5_000);
    }
}
