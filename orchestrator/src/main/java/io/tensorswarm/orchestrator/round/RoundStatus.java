package io.tensorswarm.orchestrator.round;

/**
 * Where the round clock stands at a block, and which base model is current.
 *
 * @param round the round the block belongs to
 * @param block the chain's best block
 * @param roundBlocks blocks per round
 * @param roundStartBlock the round's first block
 * @param deadlineBlock commitments for the round must be in an earlier block
 * @param nextRoundStartBlock the next round's first block
 * @param baseRevision SHA-256 hex of the current base model, or null when no {@code latest} pointer exists
 * @param baseRound the first round that trains on {@code baseRevision}, or null with it
 */
public record RoundStatus(
        long round,
        long block,
        long roundBlocks,
        long roundStartBlock,
        long deadlineBlock,
        long nextRoundStartBlock,
        String baseRevision,
        Long baseRound) {}
