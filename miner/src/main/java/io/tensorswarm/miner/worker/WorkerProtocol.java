package io.tensorswarm.miner.worker;

import io.tensorswarm.common.train.TrainResult;
import io.tensorswarm.common.train.TrainingListener.StepMetrics;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The lines a {@link TrainWorker} prints on its stdout for its supervisor: one per finished step and
 * one summary after the delta file is written. Everything else the worker says goes to stderr (its
 * logs); a stdout line that is not a protocol line is passed on by the supervisor as it is.
 *
 * <pre>{@code
 * @ts step=3 total=50 loss=5.1234 lr=0.0003 tps=10240.5
 * @ts done steps=50 tokens=204800 seconds=20.125 first_loss=5.54 final_loss=4.21 finish_seconds=0.412 global_step=150
 * }</pre>
 *
 * <p>{@code total=0}: the run has no step cap, only its deadline ends it.
 */
public final class WorkerProtocol {
    /** Every protocol line starts with this. */
    public static final String PREFIX = "@ts ";

    /** Receives what a worker reports. Called on the supervisor's reader thread; must not throw. */
    public interface Sink {
        /** One finished step. */
        void step(StepMetrics metrics);

        /** The run finished and its delta file is written. */
        void finished(Summary summary);
    }

    /**
     * What a finished training run did.
     *
     * @param steps optimizer steps run
     * @param tokens input tokens processed
     * @param seconds wall time of the training loop
     * @param firstLoss the first step's loss
     * @param finalLoss the mean loss of the last (up to) 10 steps
     * @param finishSeconds wall time from the end of the training loop to the delta file written (the
     *     delta, its encoding, the optimizer state and residual): part of what the miner must leave
     *     itself before the deadline
     * @param globalStep the optimizer's step count after the run, over every round of this miner
     */
    public record Summary(int steps, long tokens, double seconds, double firstLoss, double finalLoss,
            double finishSeconds, long globalStep) {
        /** Returns the summary of {@code result}, finished in {@code finishSeconds}, ending at {@code globalStep}. */
        public static Summary of(TrainResult result, double finishSeconds, long globalStep) {
            return new Summary(result.steps(), result.tokens(), result.seconds(), result.firstLoss(),
                    result.meanOfLast(Math.min(10, result.steps())), finishSeconds, globalStep);
        }

        /** Returns input tokens per second of wall time (0 when no time was measured). */
        public double tokensPerSecond() {
            return seconds > 0 ? tokens / seconds : 0;
        }
    }

    private WorkerProtocol() {}

    /** Returns the line reporting {@code m}. */
    public static String format(StepMetrics m) {
        return String.format(Locale.ROOT, "%sstep=%d total=%d loss=%s lr=%s tps=%.1f", PREFIX, m.step(), m.totalSteps(),
                Float.toString(m.loss()), Double.toString(m.learningRate()), m.tokensPerSecond());
    }

    /** Returns the line reporting {@code s}. */
    public static String format(Summary s) {
        return String.format(Locale.ROOT,
                "%sdone steps=%d tokens=%d seconds=%.3f first_loss=%s final_loss=%s finish_seconds=%.3f global_step=%d",
                PREFIX, s.steps(), s.tokens(), s.seconds(), Double.toString(s.firstLoss()), Double.toString(s.finalLoss()),
                s.finishSeconds(), s.globalStep());
    }

    /**
     * Passes a protocol line to {@code sink}.
     *
     * @return false when {@code line} is not a well-formed protocol line (nothing was passed on)
     */
    public static boolean dispatch(String line, Sink sink) {
        if (line == null || !line.startsWith(PREFIX)) {
            return false;
        }
        String[] words = line.substring(PREFIX.length()).trim().split(" +");
        boolean done = words.length > 0 && words[0].equals("done");
        Map<String, String> fields = new HashMap<>();
        for (int i = done ? 1 : 0; i < words.length; i++) {
            int eq = words[i].indexOf('=');
            if (eq <= 0) {
                return false;
            }
            fields.put(words[i].substring(0, eq), words[i].substring(eq + 1));
        }
        try {
            if (done) {
                sink.finished(new Summary(Integer.parseInt(fields.get("steps")), Long.parseLong(fields.get("tokens")),
                        Double.parseDouble(fields.get("seconds")), Double.parseDouble(fields.get("first_loss")),
                        Double.parseDouble(fields.get("final_loss")), Double.parseDouble(fields.get("finish_seconds")),
                        Long.parseLong(fields.get("global_step"))));
            } else {
                sink.step(new StepMetrics(Integer.parseInt(fields.get("step")), Integer.parseInt(fields.get("total")),
                        Float.parseFloat(fields.get("loss")), Double.parseDouble(fields.get("lr")),
                        Double.parseDouble(fields.get("tps"))));
            }
            return true;
        } catch (NullPointerException | NumberFormatException e) {
            return false;
        }
    }
}
