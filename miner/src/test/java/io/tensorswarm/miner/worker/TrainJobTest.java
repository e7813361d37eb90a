package io.tensorswarm.miner.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tensorswarm.common.model.Precision;
import io.tensorswarm.common.train.TrainConfig;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@link TrainJob}: what travels to the worker JVM comes back whole. */
@Timeout(10)
class TrainJobTest {
    private static final Path DIR = Path.of("/srv/miner");

    private static TrainJob job(int maxSteps, Instant until, Path optimizerIn, Path optimizerOut) {
        return new TrainJob(DIR.resolve("models/abc"), "ab".repeat(32), DIR.resolve("data"), "text", null, "cpu", 7,
                "5Fhotkey", 32, maxSteps, until, 8, 2, Precision.BF16, 1e-3, 100, 500, "sparseloco",
                DIR.resolve("error-feedback.safetensors"), DIR.resolve("work/round-7/residual.safetensors"), optimizerIn,
                optimizerOut, DIR.resolve("work/round-7/delta.safetensors"));
    }

    @Test
    void aJobWithItsDeadlineOptimizerStateAndScheduleRoundTripsThroughTheWorkersArguments() {
        TrainJob job = job(0, Instant.ofEpochMilli(1_700_000_123_456L), DIR.resolve("optimizer.safetensors"),
                DIR.resolve("work/round-7/optimizer.safetensors"));
        TrainJob back = TrainJob.fromArgs(job.toArgs().toArray(String[]::new));
        assertEquals(job, back);
        assertTrue(back.keepsOptimizerState());
        assertTrue(job.toArgs().containsAll(java.util.List.of("--train-until", "1700000123456", "--optimizer-in")));
    }

    @Test
    void aCappedJobWithoutDeadlineOrOptimizerStateRoundTripsToo() {
        TrainJob job = job(50, null, null, null);
        TrainJob back = TrainJob.fromArgs(job.toArgs().toArray(String[]::new));
        assertEquals(job, back);
        assertNull(back.trainUntil());
        assertFalse(back.keepsOptimizerState());
    }

    @Test
    void theOneOffJobTrainsItsStepsOnAScheduleOfItsOwnWithFreshMoments() {
        TrainJob job = new TrainJob(DIR, "rev", DIR, "text", null, "cpu", 0, "5Fhotkey", 1, 50, 1, 1, Precision.FP32, 1e-3,
                "fp32", null, null, DIR.resolve("d.safetensors"));
        assertEquals(50, job.maxSteps());
        assertEquals(5, job.warmupSteps());
        assertEquals(TrainConfig.DECAY_PER_RUN, job.decaySteps());
        assertFalse(job.keepsOptimizerState());
        assertEquals(job, TrainJob.fromArgs(job.toArgs().toArray(String[]::new)));
    }

    @Test
    void aJobsPageCapRoundTripsAndTheOldConstructorsTrainTheAssignedPagesOnly() {
        TrainJob old = job(0, Instant.ofEpochMilli(1_700_000_000_000L), null, null);
        assertEquals(32, old.maxPages(), "the constructor without a page cap keeps to the assigned pages");
        TrainJob job = old.withMaxPages(2048);
        assertEquals(2048, job.maxPages());
        assertTrue(job.toArgs().containsAll(java.util.List.of("--max-pages", "2048")));
        assertEquals(job, TrainJob.fromArgs(job.toArgs().toArray(String[]::new)));
        // a worker argument list of before the cap (no --max-pages) means the assigned pages only
        java.util.List<String> args = new java.util.ArrayList<>(job.toArgs());
        int at = args.indexOf("--max-pages");
        args.remove(at);
        args.remove(at);
        assertEquals(old, TrainJob.fromArgs(args.toArray(String[]::new)));
        assertThrows(IllegalArgumentException.class, () -> old.withMaxPages(31), "a cap below the assigned pages");
    }

    @Test
    void refusesAJobThatNothingWouldStopOrWhoseOptimizerPathsComeAlone() {
        assertThrows(IllegalArgumentException.class, () -> job(0, null, null, null), "no cap and no deadline");
        assertThrows(IllegalArgumentException.class, () -> job(5, null, DIR.resolve("o.safetensors"), null));
        assertThrows(IllegalArgumentException.class, () -> job(-1, Instant.EPOCH, null, null));
        String[] args = job(5, null, null, null).toArgs().toArray(String[]::new);
        args[java.util.Arrays.asList(args).indexOf("--max-steps") + 1] = "many";
        assertThrows(IllegalArgumentException.class, () -> TrainJob.fromArgs(args));
    }
}
