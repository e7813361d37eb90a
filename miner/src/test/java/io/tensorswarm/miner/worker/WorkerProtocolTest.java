package io.tensorswarm.miner.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tensorswarm.common.train.TrainingListener.StepMetrics;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class WorkerProtocolTest {
    /** Remembers what it was told. */
    private static final class Recorder implements WorkerProtocol.Sink {
        final List<StepMetrics> steps = new ArrayList<>();
        final List<WorkerProtocol.Summary> summaries = new ArrayList<>();

        @Override
        public void step(StepMetrics metrics) {
            steps.add(metrics);
        }

        @Override
        public void finished(WorkerProtocol.Summary summary) {
            summaries.add(summary);
        }
    }

    @Test
    void aStepLineCarriesStepLossLearningRateAndThroughputExactly() {
        StepMetrics step = new StepMetrics(3, 50, 5.1234567f, 3.0e-4, 10240.54);
        String line = WorkerProtocol.format(step);
        assertEquals("@ts step=3 total=50 loss=" + 5.1234567f + " lr=3.0E-4 tps=10240.5", line);
        Recorder r = new Recorder();
        assertTrue(WorkerProtocol.dispatch(line, r));
        assertEquals(List.of(new StepMetrics(3, 50, 5.1234567f, 3.0e-4, 10240.5)), r.steps);
    }

    @Test
    void theSummaryLineRoundTripsAndGivesTokensPerSecond() {
        WorkerProtocol.Summary summary = new WorkerProtocol.Summary(50, 204800, 20.0, 5.54, 4.21, 0.412, 150);
        Recorder r = new Recorder();
        assertTrue(WorkerProtocol.dispatch(WorkerProtocol.format(summary), r));
        assertEquals(List.of(summary), r.summaries);
        assertEquals(10240.0, r.summaries.get(0).tokensPerSecond());
    }

    @Test
    void otherOrMalformedLinesAreNotProtocolLines() {
        Recorder r = new Recorder();
        for (String line : new String[] {"", "step=3 total=50", "WARNING: native library loaded", "@ts step=3",
            "@ts step=x total=50 loss=1 lr=1 tps=1", "@ts done steps=1", "@ts step=3 total=50 loss=1 lr=1 tps",
            "@ts done steps=50 tokens=204800 seconds=20.000 first_loss=5.54 final_loss=4.21 global_step=150"}) {
            assertFalse(WorkerProtocol.dispatch(line, r), line);
        }
        assertTrue(r.steps.isEmpty() && r.summaries.isEmpty());
    }
}
