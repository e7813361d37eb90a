package io.tensorswarm.miner;

import io.tensorswarm.common.cli.ExitCodes;
import io.tensorswarm.common.cli.ExitException;
import io.tensorswarm.common.protocol.RoundClock;
import io.tensorswarm.common.protocol.RoundTiming;
import picocli.CommandLine.Option;

/**
 * The round flags of the miner's commands ({@code miner run}, {@code miner publish}), with the
 * subnet's shared defaults ({@link RoundTiming}); timings that would waste rounds are a usage error.
 */
final class RoundOptions {
    @Option(names = "--round.blocks", defaultValue = "${env:TS_ROUND_BLOCKS:-" + RoundTiming.DEFAULT_ROUND_BLOCKS + "}",
            paramLabel = "<n>", description = "Blocks per round (default: ${DEFAULT-VALUE}; env TS_ROUND_BLOCKS).")
    long roundBlocks;

    @Option(names = "--round.deadline-margin",
            defaultValue = "${env:TS_ROUND_DEADLINE_MARGIN:-" + RoundTiming.DEFAULT_DEADLINE_MARGIN + "}",
            paramLabel = "<n>", description = "Blocks between a round's commit deadline and its end: the upload window "
                    + "(default: ${DEFAULT-VALUE}; env TS_ROUND_DEADLINE_MARGIN).")
    long deadlineMargin;

    /**
     * Returns the round clock of these flags.
     *
     * @throws ExitException ({@link ExitCodes#USAGE}) naming the flag when the timing would waste rounds
     */
    RoundClock clock() {
        try {
            return new RoundTiming(roundBlocks, deadlineMargin, RoundTiming.DEFAULT_MERGE_DELAY).check().clock();
        } catch (IllegalArgumentException e) {
            throw new ExitException(ExitCodes.USAGE, e.getMessage());
        }
    }
}
