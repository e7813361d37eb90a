package io.tensorswarm.chain.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tensorswarm.chain.calls.EncodedCall;
import io.tensorswarm.chain.crypto.Sr25519KeyPair;
import io.tensorswarm.chain.local.LocalChain;
import io.tensorswarm.chain.local.LocalSubnetConfig;
import io.tensorswarm.chain.local.MockTime;
import io.tensorswarm.chain.metadata.RuntimeMetadata;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The one weights path of the validator daemon ({@code UNATTENDED}) and of {@code chain set-weights}
 * / {@code chain reveal} ({@code ATTENDED}), on the embedded chain: set, commit with the reveal saved
 * first, reveal when due, and what each refusal leaves in the pending-reveal store.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class WeightSenderTest {
    private static final int NETUID = 1;
    private static final long BLOCK_MS = 12_000;
    private static final int[] UIDS = {1, 2};
    private static final float[] WEIGHTS = {0.25f, 0.75f};

    @TempDir Path tmp;
    final MockTime time = new MockTime(0);
    final Sr25519KeyPair hotkey = Sr25519KeyPair.fromUri("//Alice");
    LocalChain chain;
    PendingRevealStore store;

    /** A subnet with {@code cfg}: the staked sender is uid 0, //Bob and //Charlie uids 1 and 2. */
    private void subnet(LocalSubnetConfig cfg) {
        chain = LocalChain.builder().setDirectory(tmp.resolve("chain")).optTime(time).optSubnet(NETUID, cfg).build();
        for (String uri : new String[] {"//Alice", "//Bob", "//Charlie"}) {
            chain.burnedRegister(NETUID, hotkey, Sr25519KeyPair.fromUri(uri).ss58Address());
        }
        chain.setStake(NETUID, hotkey.ss58Address(), 1_000_000_000_000L);
        store = PendingRevealStore.forHotkey(tmp.resolve("state"), hotkey.ss58Address());
    }

    private static LocalSubnetConfig commitReveal() {
        return LocalSubnetConfig.defaults().withCommitRevealEnabled(true).withTempo(10).withRevealPeriodEpochs(1)
                .withWeightsRateLimit(0);
    }

    private WeightSender sender(WeightSender.Mode mode) {
        return WeightSender.builder().setNetuid(NETUID).setHotkey(hotkey).setStore(store).setMode(mode).build();
    }

    private void toBlock(long block) {
        time.sleep(block * BLOCK_MS - time.milliseconds());
        assertEquals(block, chain.currentBlock());
    }

    private List<String> hashes() {
        return store.load().stream().map(PendingReveal::commitHash).toList();
    }

    /** Records how many reveals the store held each time an extrinsic was about to be sent. */
    private final class StoreAtSending implements WeightSender.Watcher {
        final List<Integer> sizes = new ArrayList<>();
        final List<WeightSender.RevealOutcome> heard = new ArrayList<>();

        @Override
        public void sending(Function<RuntimeMetadata, EncodedCall> call) {
            sizes.add(store.load().size());
        }

        @Override
        public void reveal(WeightSender.RevealOutcome outcome) {
            heard.add(outcome);
        }
    }

    @Test
    void withoutCommitRevealTheWeightsAreSetAndNothingIsSaved() {
        subnet(LocalSubnetConfig.defaults().withTempo(10).withWeightsRateLimit(0));
        toBlock(1);
        WeightSender.Result set = sender(WeightSender.Mode.UNATTENDED).submit(chain, UIDS, WEIGHTS,
                WeightSender.Watcher.NONE);
        WeightSender.WeightsSet s = assertInstanceOf(WeightSender.WeightsSet.class, set);
        assertEquals("set", set.text());
        assertTrue(set.sent());
        assertEquals("[21845, 65535]", Arrays.toString(s.plan().emit().weights()));
        assertEquals(1, chain.metagraph(NETUID).neurons().get(0).lastUpdate());
        assertEquals(List.of(), store.load());
    }

    @Test
    void aCommitIsSavedBeforeItIsSentThenRevealedOnlyOnceTheChainTakesIt() {
        subnet(commitReveal());
        toBlock(12); // epoch 1: revealed in epoch 2, blocks 20-29
        WeightSender daemon = sender(WeightSender.Mode.UNATTENDED);
        StoreAtSending watcher = new StoreAtSending();
        WeightSender.Result result = daemon.submit(chain, UIDS, WEIGHTS, watcher);

        WeightSender.Committed committed = assertInstanceOf(WeightSender.Committed.class, result, result.text());
        assertEquals(List.of(1), watcher.sizes, "the reveal was on disk when the commit was sent");
        assertEquals(List.of(committed.reveal().commitHash()), hashes());
        assertEquals(12, committed.reveal().commitBlock());
        assertEquals(20, committed.reveal().revealFromBlock());
        assertEquals(29, committed.reveal().revealUntilBlock());

        WeightSender.RevealOutcome notDue = daemon.revealDue(chain, watcher).get(0);
        assertInstanceOf(WeightSender.NotDue.class, notDue);
        assertEquals("not yet: the commit of block 12 can be revealed from block 20 (now 12)", notDue.text());
        assertEquals(List.of(1), watcher.sizes, "a reveal not due is not sent");

        // A window estimated too early (as on newer subtensor runtimes): the chain says RevealTooEarly, it stays.
        PendingReveal p = committed.reveal();
        store.replace(new PendingReveal(p.chain(), p.netuid(), p.hotkey(), p.uids(), p.values(), p.salt(),
                p.versionKey(), p.commitBlock(), 12, p.revealUntilBlock(), p.commitHash()));
        WeightSender.RevealOutcome early = daemon.revealDue(chain, watcher).get(0);
        assertInstanceOf(WeightSender.TooEarly.class, early);
        assertTrue(early.text().startsWith("not yet: the chain says SubtensorModule.RevealTooEarly"), early.text());
        assertEquals(1, store.load().size());

        toBlock(21);
        List<WeightSender.RevealOutcome> due = daemon.revealDue(chain, watcher);
        assertInstanceOf(WeightSender.Revealed.class, due.get(0));
        assertEquals("revealed the commit of block 12 in block 21", due.get(0).text());
        assertEquals(List.of(notDue, early, due.get(0)), watcher.heard, "the watcher hears each outcome");
        assertEquals(List.of(), store.load());
        assertEquals(List.of(), daemon.revealDue(chain, watcher), "nothing left to reveal");
    }

    @Test
    void aCommitTheChainRefusesIsRemovedFromTheStoreAgain() {
        subnet(commitReveal().withWeightsRateLimit(100));
        toBlock(1);
        WeightSender person = sender(WeightSender.Mode.ATTENDED);
        assertInstanceOf(WeightSender.Committed.class, person.submit(chain, UIDS, WEIGHTS, WeightSender.Watcher.NONE));
        toBlock(2);

        StoreAtSending watcher = new StoreAtSending();
        WeightSender.Result tooFast = person.submit(chain, UIDS, new float[] {0.5f, 0.5f}, watcher);
        WeightSender.Refused refused = assertInstanceOf(WeightSender.Refused.class, tooFast, tooFast.text());
        assertEquals("failed: CommittingWeightsTooFast", refused.text());
        assertFalse(refused.sent());
        assertEquals(List.of(2), watcher.sizes, "the refused commit's reveal was saved before it was sent");
        assertEquals(1, store.load().size(), "and removed when the chain refused it");

        WeightSender.Result skipped = sender(WeightSender.Mode.UNATTENDED).submit(chain, UIDS, WEIGHTS, watcher);
        assertEquals("skipped: rate limit", skipped.text(), "a daemon does not send what the chain would refuse");
        assertEquals(List.of(2), watcher.sizes, "nothing sent");
        assertEquals(1, store.load().size(), "nothing saved");
    }

    @Test
    void aRevealTheChainCanNeverAcceptIsDroppedWhoeverSendsIt() {
        subnet(commitReveal());
        toBlock(1);
        WeightSender person = sender(WeightSender.Mode.ATTENDED);
        assertInstanceOf(WeightSender.Committed.class, person.submit(chain, UIDS, WEIGHTS, WeightSender.Watcher.NONE));
        toBlock(32); // past the window 10-19
        WeightSender.RevealOutcome late = person.revealDue(chain, WeightSender.Watcher.NONE).get(0);
        WeightSender.RevealRefused refused = assertInstanceOf(WeightSender.RevealRefused.class, late);
        assertEquals("ExpiredWeightCommit", refused.error().errorName());
        assertTrue(refused.dropped());
        assertTrue(late.text().startsWith("dropped the commit of block 1: SubtensorModule.ExpiredWeightCommit"),
                late.text());
        assertEquals(List.of(), store.load());
    }

    @Test
    void aRevealRefusedForAReasonThatMayPassIsKeptForAPersonAndDroppedByADaemon() {
        subnet(commitReveal());
        toBlock(1);
        WeightSender person = sender(WeightSender.Mode.ATTENDED);
        assertInstanceOf(WeightSender.Committed.class,
                person.send(chain, (WeightSender.Prepared) person.prepare(chain, UIDS, WEIGHTS, OptionalLong.of(3)),
                        WeightSender.Watcher.NONE));
        chain.setHyperparameters(NETUID, chain.subnetConfig(NETUID).withWeightsVersionKey(4));
        toBlock(11);

        WeightSender.RevealOutcome kept = person.revealDue(chain, WeightSender.Watcher.NONE).get(0);
        WeightSender.RevealRefused refused = assertInstanceOf(WeightSender.RevealRefused.class, kept);
        assertEquals("IncorrectWeightVersionKey", refused.error().errorName());
        assertFalse(refused.dropped());
        assertEquals(1, store.load().size(), "a person may lower the subnet's key and retry");

        WeightSender.RevealOutcome dropped = sender(WeightSender.Mode.UNATTENDED)
                .revealDue(chain, WeightSender.Watcher.NONE).get(0);
        assertTrue(assertInstanceOf(WeightSender.RevealRefused.class, dropped).dropped());
        assertEquals(List.of(), store.load(), "a daemon would pay for the same refusal at every poll");
    }

    @Test
    void aDaemonSkipsWithOneLineWhatThePersonsPathLeavesToTheChain() {
        subnet(commitReveal().withTempo(100).withRevealPeriodEpochs(2).withWeightsRateLimit(1));
        WeightSender daemon = sender(WeightSender.Mode.UNATTENDED);
        assertEquals("skipped: no positive scores",
                daemon.submit(chain, new int[0], new float[0], WeightSender.Watcher.NONE).text());
        WeightSender.Result negative = daemon.submit(chain, new int[] {1}, new float[] {-1f}, WeightSender.Watcher.NONE);
        assertEquals(WeightSender.SkipReason.DO_NOT_FIT, ((WeightSender.Skipped) negative).why(), negative.text());
        assertEquals("skipped: weight 0 is negative or NaN: -1.0", negative.text());
        for (long block = 1; block <= 10; block++) {
            toBlock(block);
            assertEquals("committed", daemon.submit(chain, UIDS, WEIGHTS, WeightSender.Watcher.NONE).text());
        }
        toBlock(11);
        WeightSender.Result full = daemon.submit(chain, UIDS, WEIGHTS, WeightSender.Watcher.NONE);
        assertEquals("skipped: 10 unrevealed commits", full.text());
        assertEquals(WeightSender.SkipReason.LIMIT, ((WeightSender.Skipped) full).why());
        WeightSender.Result person = sender(WeightSender.Mode.ATTENDED).submit(chain, UIDS, WEIGHTS,
                WeightSender.Watcher.NONE);
        assertEquals("failed: TooManyUnrevealedCommits", person.text());
        assertEquals(10, store.load().size());

        WeightSender stranger = WeightSender.builder().setNetuid(NETUID).setHotkey(Sr25519KeyPair.fromUri("//Dave"))
                .setStore(PendingRevealStore.forHotkey(tmp.resolve("state"), "dave")).setMode(WeightSender.Mode.UNATTENDED)
                .build();
        assertEquals("skipped: not registered", stranger.submit(chain, UIDS, WEIGHTS, WeightSender.Watcher.NONE).text());
    }
}
