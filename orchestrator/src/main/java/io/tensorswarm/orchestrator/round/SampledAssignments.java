package io.tensorswarm.orchestrator.round;

import io.tensorswarm.common.data.PageSampler;
import io.tensorswarm.common.protocol.ProtocolIds;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Assigns pages the way miners and validators compute them: {@code PageSampler.sample(
 * PageSampler.assignedSeed(round, hotkey, fingerprint), pageCount, pagesPerMiner)}, the same as
 * {@code TokenPages.pageIndicesFor}. Immutable.
 *
 * <pre>{@code
 * AssignmentSource pages = new SampledAssignments(fingerprint, 4096, 8);
 * pages.assignment(12, hotkey).pages();
 * }</pre>
 *
 * @param datasetFingerprint the dataset fingerprint, 64 lowercase hex characters
 * @param pageCount pages in the dataset, at least 1
 * @param pagesPerMiner pages assigned to each miner per round, at least 1
 */
public record SampledAssignments(String datasetFingerprint, long pageCount, int pagesPerMiner) implements AssignmentSource {
    /**
     * Validates the settings.
     *
     * @throws IllegalArgumentException on a malformed fingerprint or a count below 1
     */
    public SampledAssignments {
        if (!ProtocolIds.isSha256Hex(datasetFingerprint)) {
            throw new IllegalArgumentException("dataset fingerprint must be 64 lowercase hex characters");
        }
        if (pageCount < 1 || pagesPerMiner < 1) {
            throw new IllegalArgumentException("pageCount and pagesPerMiner must be at least 1, got "
                    + pageCount + " and " + pagesPerMiner);
        }
    }

    @Override
    public Optional<SampledAssignments> dataset() {
        return Optional.of(this);
    }

    @Override
    public Assignment assignment(long round, String hotkeySs58) {
        long[] pages = PageSampler.sample(PageSampler.assignedSeed(round, hotkeySs58, datasetFingerprint), pageCount,
                pagesPerMiner);
        List<Long> list = Arrays.stream(pages).boxed().toList();
        return new Assignment(round, hotkeySs58, datasetFingerprint, pageCount, list);
    }
}
