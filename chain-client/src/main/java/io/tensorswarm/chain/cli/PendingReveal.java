package io.tensorswarm.chain.cli;

/**
 * A hash commit of weights waiting for its reveal: everything {@code reveal_weights} needs, the
 * chain it was sent to ({@code chain} = genesis hash, 0x-hex), the commit's block and the blocks
 * in which the reveal is expected to be accepted.
 */
record PendingReveal(
        String chain,
        int netuid,
        String hotkey,
        int[] uids,
        int[] values,
        int[] salt,
        long versionKey,
        long commitBlock,
        long revealFromBlock,
        long revealUntilBlock,
        String commitHash) {}
