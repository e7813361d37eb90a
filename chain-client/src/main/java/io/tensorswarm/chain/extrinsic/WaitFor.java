package io.tensorswarm.chain.extrinsic;

/** How long a submitter waits: until the extrinsic is in a best block, or until that block is final. */
public enum WaitFor {
    /** Return at the first {@code inBlock} (or {@code finalized}) status. */
    IN_BLOCK,
    /** Return at the {@code finalized} status. */
    FINALIZED
}
