package io.tensorswarm.miner.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tensorswarm.common.model.Precision;
import io.tensorswarm.miner.worker.TrainJob;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

class ChildProcessRunnerTest {
    @TempDir
    Path tmp;

    /** A fork that fails (here: no such executable) is retried like a crash, then reported with its cause. */
    @Test
    @Timeout(30)
    void aWorkerThatCannotStartIsRetriedWithBackoffThenReportedWithTheCause() {
        List<Long> waits = new ArrayList<>();
        String java = tmp.resolve("no-such-java").toString();
        ChildProcessRunner runner = new ChildProcessRunner(java, "unused", List.of(), Map.of(), 3,
                Duration.ofMillis(5), Duration.ofSeconds(1), Duration.ofMillis(50), waits::add);
        TrainJob job = new TrainJob(tmp, "rev", tmp, "text", null, "cpu", 0, "5Fhotkey", 1, 1, 1, 1, Precision.FP32,
                1e-3, "bf16", null, null, tmp.resolve("delta.safetensors"));

        UncheckedIOException e = assertThrows(UncheckedIOException.class,
                () -> runner.train(job, TrainingWatch.untilDeadline(0, () -> false)));

        assertEquals(List.of(5L, 10L), waits, "two restarts with doubling backoff, then the third start fails");
        assertTrue(e.getMessage().startsWith("cannot start the training worker " + java + ": "), e.getMessage());
        assertTrue(e.getMessage().length() > ("cannot start the training worker " + java + ": ").length(),
                "the cause is in the message: " + e.getMessage());
    }
}
