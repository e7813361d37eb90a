package io.tensorswarm.orchestrator.round;

import java.util.Optional;

/**
 * Assignments over a dataset whose fingerprint and page count are learned at run time: the
 * orchestrator tokenizes {@code --data} with the base model's tokenizer into pages of the model's
 * context length ({@link io.tensorswarm.common.data.TokenPages}), exactly as miners and validators
 * do, and calls {@link #use}. Until then every request fails with {@link
 * AssignmentsUnavailableException} naming what is missing. Safe for concurrent use.
 *
 * <pre>{@code
 * DatasetAssignments pages = new DatasetAssignments(32, "waiting for the base model");
 * pages.use(tokenPages.fingerprint(), tokenPages.pageCount());
 * pages.assignment(12, hotkey);
 * }</pre>
 */
public final class DatasetAssignments implements AssignmentSource {
    private final int pagesPerMiner;
    private volatile SampledAssignments current;
    private volatile String unavailable;

    /**
     * Starts without a dataset.
     *
     * @param pagesPerMiner pages assigned to each miner per round, at least 1
     * @param unavailable the reason given until {@link #use} is called
     */
    public DatasetAssignments(int pagesPerMiner, String unavailable) {
        if (pagesPerMiner < 1) {
            throw new IllegalArgumentException("pagesPerMiner must be at least 1, got " + pagesPerMiner);
        }
        this.pagesPerMiner = pagesPerMiner;
        this.unavailable = unavailable;
    }

    /** Returns the pages assigned to each miner per round. */
    public int pagesPerMiner() {
        return pagesPerMiner;
    }

    /**
     * Serves assignments for this dataset from now on; returns true when it differs from the one
     * served before.
     *
     * @throws IllegalArgumentException on a malformed fingerprint or a page count below 1
     */
    public boolean use(String fingerprint, long pageCount) {
        SampledAssignments next = new SampledAssignments(fingerprint, pageCount, pagesPerMiner);
        SampledAssignments prev = current;
        current = next;
        return !next.equals(prev);
    }

    /** Keeps serving the current dataset if there is one; otherwise changes the reason given. */
    public void unavailable(String reason) {
        this.unavailable = reason;
    }

    @Override
    public Optional<SampledAssignments> dataset() {
        return Optional.ofNullable(current);
    }

    @Override
    public Assignment assignment(long round, String hotkeySs58) {
        SampledAssignments s = current;
        if (s == null) {
            throw new AssignmentsUnavailableException(unavailable);
        }
        return s.assignment(round, hotkeySs58);
    }
}
