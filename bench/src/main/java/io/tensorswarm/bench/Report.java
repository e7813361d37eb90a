package io.tensorswarm.bench;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/** Formats the runs of one invocation: a Markdown table per miner count, and the curves as CSV. */
final class Report {
    /** Issue 12's bars: the dense swarm's and the default codec's loss reduction against one machine's. */
    static final double DENSE_TARGET = 0.95;
    static final double CODEC_TARGET = 0.90;
    /** Issue 12's bar for the default codec's bytes against fp32's (SparseLoCo's 146x). */
    static final double BYTES_TARGET = 146;
    static final String DENSE_CODEC = "fp32";
    static final String TARGET_CODEC = "sparseloco";

    private Report() {}

    /** Returns the Markdown table of the runs with {@code k} miners ({@code one machine} first, if run). */
    static String table(SwarmSettings s, int k, List<RunResult> runs) {
        RunResult one = runs.stream().filter(RunResult::isOneMachine).findFirst().orElse(null);
        StringBuilder out = new StringBuilder();
        long roundTokens = runs.isEmpty() || runs.get(0).points().size() < 2 ? 0 : runs.get(0).points().get(1).tokens();
        out.append(String.format(Locale.ROOT, "#### Swarm: %s (%,d parameters), K = %d miners, %d rounds x %d steps"
                        + " x batch %d x %d tokens, inner lr %s, top-G %d%n%n", s.modelName(), s.model().parameterCount(),
                k, s.rounds(), s.steps(), s.batchSize(), s.model().nPositions(), fmt(s.learningRate()), s.topGFor(k)));
        out.append("Miners: " + s.schedule() + "; one machine the same per step.\n\n");
        out.append(String.format(Locale.ROOT, "%,d tokens per round (all miners), %,d in all; %d assigned pages per"
                        + " miner per round; %d held-out pages (initial loss %.4f); scoring on %d pages; merge fit %d,"
                        + " check %d pages, %d mixing iterations%n%n", roundTokens, roundTokens * s.rounds(), s.pages(),
                s.heldOutPages(), runs.isEmpty() ? Double.NaN : runs.get(0).initialLoss(), s.scorePages(),
                s.fitPages(), s.checkPages(), s.mixingIterations()));
        out.append("| configuration | outer lr / momentum | final held-out loss | loss reduction | x one machine"
                + " | bytes per delta | x smaller than fp32 | bytes per round | own-page loss raised | scored 0 | rejected"
                + " | rounds merged / refused / idle (restarts) | wall s (train s) |\n");
        out.append("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---|---|---:|\n");
        for (RunResult r : runs) {
            String ratio = one == null ? "-" : String.format(Locale.ROOT, "%.3f", r.reduction() / one.reduction());
            if (r.isOneMachine()) {
                out.append(String.format(Locale.ROOT, "| one machine (%,d steps) | - | %.4f | %.4f | 1.000 | - | - | -"
                                + " | - | - | - | - | %.0f (%.0f) |%n", r.steps(), r.finalLoss(), r.reduction(), r.wallSeconds(),
                        r.trainSeconds()));
                continue;
            }
            out.append(String.format(Locale.ROOT, "| %s | %s / %s | %.4f | %.4f | %s | %,.0f | %.1fx | %,.0f | %d of %d"
                            + " | %d | %s | %d / %d / %d (%d) | %.0f (%.0f) |%n", r.label(), fmt(r.outerLearningRate()),
                    fmt(r.outerMomentum()), r.finalLoss(), r.reduction(), ratio, r.deltaBytes(),
                    r.fp32Bytes() / r.deltaBytes(), r.bytesPerRound(), r.raisedOwnLoss(), r.evaluated(),
                    r.zeroScores(), rejected(r.rejected()), r.mergesAccepted(), r.mergesRefused(), r.idleRounds(),
                    r.restarts(), r.wallSeconds(), r.trainSeconds()));
        }
        out.append('\n');
        out.append(verdicts(one, runs));
        return out.toString();
    }

    /** Returns one line per issue-12 bar this table can judge, PASS or FAIL with the numbers. */
    static String verdicts(RunResult one, List<RunResult> runs) {
        StringBuilder out = new StringBuilder();
        for (RunResult r : runs) {
            if (r.isOneMachine()) {
                continue;
            }
            if (one != null && (DENSE_CODEC.equals(r.codec()) || TARGET_CODEC.equals(r.codec()))) {
                double bar = DENSE_CODEC.equals(r.codec()) ? DENSE_TARGET : CODEC_TARGET;
                double ratio = r.reduction() / one.reduction();
                out.append(String.format(Locale.ROOT, "- %s: loss reduction %.3f x one machine's (bar %.2f): %s%n",
                        r.label(), ratio, bar, ratio >= bar ? "PASS" : "FAIL"));
            }
            if (TARGET_CODEC.equals(r.codec())) {
                double x = r.fp32Bytes() / r.deltaBytes();
                out.append(String.format(Locale.ROOT, "- %s: delta file %.1fx smaller than fp32's, header included"
                        + " (bar %.0fx): %s%n", r.label(), x, BYTES_TARGET, x >= BYTES_TARGET ? "PASS" : "FAIL"));
            }
            out.append(String.format(Locale.ROOT, "- %s: %d of %d evaluated honest deltas raised their own"
                    + " assigned-page loss (bar 0): %s%n", r.label(), r.raisedOwnLoss(), r.evaluated(),
                    r.raisedOwnLoss() == 0 ? "PASS" : "FAIL"));
        }
        return out.toString();
    }

    /** The CSV header of {@link #csvRows}. */
    static final String CSV_HEADER = "model,miners,configuration,codec,outer_lr,outer_momentum,round,tokens,held_out_loss";

    /** Returns one CSV row per point of {@code run}. */
    static String csvRows(String model, RunResult run) {
        return run.points().stream().map(p -> String.format(Locale.ROOT, "%s,%d,%s,%s,%s,%s,%d,%d,%.6f", model,
                run.miners(), run.label().replace(',', ' '), run.codec() == null ? "" : run.codec(),
                Double.isNaN(run.outerLearningRate()) ? "" : fmt(run.outerLearningRate()),
                Double.isNaN(run.outerMomentum()) ? "" : fmt(run.outerMomentum()), p.round(), p.tokens(), p.loss()))
                .collect(Collectors.joining("\n", "", "\n"));
    }

    private static String rejected(Map<String, Integer> reasons) {
        if (reasons.isEmpty()) {
            return "0";
        }
        return reasons.entrySet().stream().map(e -> e.getValue() + " " + e.getKey()).collect(Collectors.joining(", "));
    }

    static String fmt(double x) {
        if (x == Math.rint(x) && Math.abs(x) < 1e6) {
            return String.format(Locale.ROOT, "%.1f", x);
        }
        String s = String.format(Locale.ROOT, "%.6g", x);
        if (s.contains("e")) {
            return s;
        }
        s = s.replaceAll("0+$", "");
        return s.endsWith(".") ? s + "0" : s;
    }
}
