package io.tensorswarm.common.train;

import java.io.PrintStream;
import java.util.Locale;

/**
 * Shows training progress on a console stream: on a terminal, a bar rewritten in place after every
 * step (carriage return), keeping one line per {@code logEvery} steps; otherwise (a log file, a
 * pipe) one plain line every {@code logEvery} steps and at the last step.
 *
 * <pre>{@code
 * trainer.train(pages, ConsoleProgress.stderr(10));
 * // [##########----------]  500/1000  loss 2.3456  lr 3.00e-04  12.3k tok/s
 * }</pre>
 */
public final class ConsoleProgress implements TrainingListener {
    private static final int BAR = 20;
    private final PrintStream out;
    private final boolean interactive;
    private final int logEvery;

    /** Creates a progress display writing to {@code out}. */
    public ConsoleProgress(PrintStream out, boolean interactive, int logEvery) {
        this.out = out;
        this.interactive = interactive;
        this.logEvery = Math.max(1, logEvery);
    }

    /** Returns a display on stderr, interactive when the JVM has a console (a terminal). */
    public static ConsoleProgress stderr(int logEvery) {
        return new ConsoleProgress(System.err, System.console() != null, logEvery);
    }

    @Override
    public void onStep(StepMetrics m) {
        boolean keep = m.step() % logEvery == 0 || m.step() == m.totalSteps();
        if (interactive) {
            out.print("\r" + line(m) + (keep ? "\n" : ""));
            out.flush();
        } else if (keep) {
            out.println(line(m));
        }
    }

    @Override
    public void onFinish(TrainResult r) {
        out.println(String.format(Locale.ROOT, "trained %d steps in %.1f s: loss %.4f -> %.4f, %s tok/s", r.steps(),
                r.seconds(), r.firstLoss(), r.losses()[r.losses().length - 1], human(r.tokensPerSecond())));
    }

    /** Returns the progress line for one step, without a line break (no bar when the run has no step count). */
    static String line(StepMetrics m) {
        if (m.totalSteps() <= 0) {
            return String.format(Locale.ROOT, "step %d  loss %.4f  lr %.2e  %s tok/s", m.step(), m.loss(),
                    m.learningRate(), human(m.tokensPerSecond()));
        }
        int filled = (int) ((long) BAR * m.step() / m.totalSteps());
        String bar = "#".repeat(filled) + "-".repeat(BAR - filled);
        int width = Integer.toString(m.totalSteps()).length();
        return String.format(Locale.ROOT, "[%s] %" + width + "d/%d  loss %.4f  lr %.2e  %s tok/s", bar, m.step(),
                m.totalSteps(), m.loss(), m.learningRate(), human(m.tokensPerSecond()));
    }

    private static String human(double v) {
        if (v >= 1e6) {
            return String.format(Locale.ROOT, "%.2fM", v / 1e6);
        }
        if (v >= 1e3) {
            return String.format(Locale.ROOT, "%.1fk", v / 1e3);
        }
        return String.format(Locale.ROOT, "%.0f", v);
    }
}
