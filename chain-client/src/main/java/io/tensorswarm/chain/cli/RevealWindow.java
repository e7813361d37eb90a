package io.tensorswarm.chain.cli;

import io.tensorswarm.chain.Chain;
import io.tensorswarm.chain.local.LocalChain;
import io.tensorswarm.chain.model.SubnetHyperparameters;

/**
 * The blocks in which a hash commit's reveal is expected to be accepted: the whole epoch {@code
 * commit epoch + revealPeriodEpochs}. The embedded chain counts epochs as {@code block / tempo};
 * subtensor runtimes before the stateful {@code SubnetEpochIndex} as {@code (block + netuid + 1) /
 * (tempo + 1)}. On newer runtimes this is an estimate, and the chain's {@code RevealTooEarly} stays
 * the authority.
 */
record RevealWindow(long fromBlock, long untilBlock) {
    /** Returns the window of a commit in {@code commitBlock} on {@code chain}. */
    static RevealWindow of(Chain chain, SubnetHyperparameters hp, long commitBlock) {
        return chain instanceof LocalChain
                ? local(hp.tempo(), hp.revealPeriodEpochs(), commitBlock)
                : subtensor(hp.netuid(), hp.tempo(), hp.revealPeriodEpochs(), commitBlock);
    }

    static RevealWindow local(int tempo, long period, long commitBlock) {
        long epoch = commitBlock / tempo + period;
        return new RevealWindow(epoch * tempo, (epoch + 1) * tempo - 1);
    }

    static RevealWindow subtensor(int netuid, int tempo, long period, long commitBlock) {
        long length = tempo + 1L;
        long epoch = (commitBlock + netuid + 1) / length + period;
        return new RevealWindow(Math.max(0, epoch * length - netuid - 1), Math.max(0, (epoch + 1) * length - netuid - 2));
    }
}
