package io.tensorswarm.validator.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tensorswarm.chain.cli.PendingRevealStore;
import io.tensorswarm.chain.cli.WeightSender;
import io.tensorswarm.chain.crypto.Sr25519KeyPair;
import io.tensorswarm.chain.local.LocalChain;
import io.tensorswarm.chain.local.LocalSubnetConfig;
import io.tensorswarm.chain.local.MockTime;
import io.tensorswarm.validator.scoring.WeightVector;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** What the validator's weight submitter sends, skips or is refused on the embedded chain. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class WeightSubmitterTest {
    private static final int NETUID = 1;
    private static final long BLOCK_MS = 12_000;

    @TempDir Path tmp;
    final MockTime time = new MockTime(0);
    final Sr25519KeyPair validator = Sr25519KeyPair.fromUri("//Alice");
    LocalChain chain;
    WeightSubmitter submitter;
    PendingRevealStore pending;

    /** A subnet with {@code cfg}: the staked validator is uid 0, miners //Bob and //Charlie uids 1 and 2. */
    private void subnet(LocalSubnetConfig cfg) {
        chain = LocalChain.builder().setDirectory(tmp.resolve("chain")).optTime(time).optSubnet(NETUID, cfg).build();
        for (String uri : new String[] {"//Alice", "//Bob", "//Charlie"}) {
            chain.burnedRegister(NETUID, validator, Sr25519KeyPair.fromUri(uri).ss58Address());
        }
        chain.setStake(NETUID, validator.ss58Address(), 1_000_000_000_000L);
        pending = PendingRevealStore.forHotkey(tmp.resolve("state"), validator.ss58Address());
        submitter = new WeightSubmitter(NETUID, validator, pending);
    }

    private void toBlock(long block) {
        time.sleep(block * BLOCK_MS - time.milliseconds());
        assertEquals(block, chain.currentBlock());
    }

    private String submit(long round) {
        return submitter.submit(chain, round, new WeightVector(new int[] {1, 2}, new float[] {0.25f, 0.75f})).text();
    }

    @Test
    void tooFewWeightsAreFilledToTheSubnetsMinimumAsTheSdkDoes() {
        subnet(LocalSubnetConfig.defaults().withMinAllowedWeights(3).withTempo(10));
        toBlock(1);
        WeightVector onlyBob = new WeightVector(new int[] {1}, new float[] {1f});
        assertEquals("set", submitter.submit(chain, 0, onlyBob).text(), "the chain refuses 1 weight: WeightVecLengthIsLow");
        toBlock(10);
        double bob = chain.metagraph(NETUID).neurons().get(1).incentive();
        assertTrue(bob > 0.99, "the filled uids get a trace: " + bob);
    }

    @Test
    void weightsAreClippedToTheSubnetsMaxWeightLimit() {
        subnet(LocalSubnetConfig.defaults().withMaxWeightLimit(45000).withTempo(10).withConsensusClipping(false));
        toBlock(1);
        WeightVector skewed = new WeightVector(new int[] {1, 2}, new float[] {0.1f, 0.9f});
        assertEquals("set", submitter.submit(chain, 0, skewed).text(), "the chain refuses a 0.9 share: MaxWeightExceeded");
        toBlock(10);
        double charlie = chain.metagraph(NETUID).neurons().get(2).incentive();
        assertEquals(45000 / 65535.0, charlie, 1e-3, "Charlie's share is cut to the limit");
    }

    @Test
    void aCommitWaitsForTheWeightsRateLimitLikeSetWeights() {
        subnet(LocalSubnetConfig.defaults().withCommitRevealEnabled(true).withTempo(10).withRevealPeriodEpochs(1)
                .withWeightsRateLimit(15));
        toBlock(1);
        assertEquals("committed", submit(0));
        toBlock(6);
        assertEquals("skipped: rate limit", submit(1), "the chain would refuse the commit: CommittingWeightsTooFast");
        assertEquals(1, pending.load().size(), "nothing saved for a commit not sent");
        toBlock(16);
        assertEquals("committed", submit(2));
        assertEquals(2, pending.load().size());
    }

    @Test
    void stopsCommittingWhileTenCommitsAwaitTheirReveal() {
        subnet(LocalSubnetConfig.defaults().withCommitRevealEnabled(true).withTempo(100).withRevealPeriodEpochs(2)
                .withWeightsRateLimit(1));
        for (long block = 1; block <= 10; block++) {
            toBlock(block);
            assertEquals("committed", submit(block));
        }
        toBlock(11);
        assertEquals("skipped: 10 unrevealed commits", submit(11), "the chain would refuse: TooManyUnrevealedCommits");
        assertEquals(10, pending.load().size());
    }
    @Test
    void aCommitIsRevealedOnceItsWindowOpensAndAnExpiredOneIsDropped() {
        subnet(LocalSubnetConfig.defaults().withCommitRevealEnabled(true).withTempo(10).withRevealPeriodEpochs(1)
                .withWeightsRateLimit(0));
        toBlock(1);
        assertEquals("committed", submit(0));
        toBlock(5);
        assertEquals(0, submitter.revealDue(chain), "the window is blocks 10-19");
        assertEquals(1, pending.load().size());
        toBlock(11);
        assertEquals(1, submitter.revealDue(chain));
        assertEquals(0, pending.load().size());

        assertEquals("committed", submit(1)); // block 11: window 20-29
        toBlock(40);
        assertEquals(0, submitter.revealDue(chain));
        assertEquals(0, pending.load().size(), "ExpiredWeightCommit: dropped");
    }

    @Test
    void theDaemonsCommitIsRevealedByTheSenderOfChainReveal() {
        subnet(LocalSubnetConfig.defaults().withCommitRevealEnabled(true).withTempo(10).withRevealPeriodEpochs(1)
                .withWeightsRateLimit(0));
        toBlock(1);
        assertEquals("committed", submit(0));
        toBlock(11);
        // What 'chain reveal --state.dir <the validator's>' builds: the same sender, as a person.
        WeightSender cli = WeightSender.builder().setNetuid(NETUID).setHotkey(validator).setStore(pending)
                .setMode(WeightSender.Mode.ATTENDED).build();
        List<WeightSender.RevealOutcome> outcomes = cli.revealDue(chain, WeightSender.Watcher.NONE);
        assertEquals("revealed the commit of block 1 in block 11", outcomes.get(0).text());
        assertEquals(0, submitter.revealDue(chain), "nothing left for the daemon");
        assertEquals(0, pending.load().size());
    }
}
