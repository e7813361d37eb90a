package io.tensorswarm.chain.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The blocks in which a weight commit is expected to be revealable. */
class RevealWindowTest {
    @Test
    void onTheEmbeddedChainTheWindowIsTheEpochAfterTheCommitsByBlockOverTempo() {
        assertEquals(new RevealWindow(20, 29), RevealWindow.local(10, 1, 12));
        assertEquals(new RevealWindow(20, 29), RevealWindow.local(10, 1, 19));
        assertEquals(new RevealWindow(40, 49), RevealWindow.local(10, 2, 20));
    }

    /** Subtensor's legacy {@code get_epoch_index}: (block + netuid + 1) / (tempo + 1). */
    @Test
    void onSubtensorTheEpochIsOffsetByNetuidAndTempoPlusOne() {
        // netuid 1, tempo 10: epoch 0 = blocks 0..8, epoch 1 = 9..19, epoch 2 = 20..30.
        assertEquals(new RevealWindow(9, 19), RevealWindow.subtensor(1, 10, 1, 5));
        assertEquals(new RevealWindow(20, 30), RevealWindow.subtensor(1, 10, 1, 9));
        assertEquals(new RevealWindow(20, 30), RevealWindow.subtensor(1, 10, 2, 5));
    }
}
