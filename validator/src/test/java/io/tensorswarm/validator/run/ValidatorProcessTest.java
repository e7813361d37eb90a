package io.tensorswarm.validator.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tensorswarm.chain.cli.PendingReveal;
import io.tensorswarm.chain.cli.PendingRevealStore;
import io.tensorswarm.chain.crypto.Sr25519KeyPair;
import io.tensorswarm.chain.local.LocalSubnetConfig;
import io.tensorswarm.chain.local.Time;
import io.tensorswarm.chain.wallet.Argon2Settings;
import io.tensorswarm.chain.wallet.NaclKeyfileCipher;
import io.tensorswarm.chain.wallet.PasswordSource;
import io.tensorswarm.chain.wallet.Wallet;
import io.tensorswarm.chain.wallet.WalletPaths;
import io.tensorswarm.common.model.GptConfig;
import io.tensorswarm.common.protocol.RoundClock;
import io.tensorswarm.common.tensor.ParameterSet;
import io.tensorswarm.common.testing.ChildJvm;
import io.tensorswarm.validator.Main;
import io.tensorswarm.validator.scoring.ScoreBook;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code validator run} as a real process ({@link Main} in a child JVM) against an embedded chain on
 * the system clock that this test shares, {@code file://} stores and a small model: SIGTERM in the
 * middle of a round, {@code kill -9} in the middle of a round, and restarts after both.
 */
class ValidatorProcessTest {
    /** What the JVM exits with after its hooks ran for SIGTERM (128 + 15). */
    private static final int SIGTERM_EXIT = 143;
    private static final Duration BLOCK = Duration.ofMillis(1000);
    /**
     * 15-second rounds, so that a restarted validator (a few seconds to start) is back before the next
     * deadline; a one-block margin, so that the weights of round r are committed in the epoch of round
     * r+1 (epochs = rounds here) and cannot be revealed before round r+1's evaluation has begun.
     */
    private static final RoundClock CLOCK = new RoundClock(15, 1);
    private static final Duration GRACE = Duration.ofSeconds(20);
    /** Large enough that evaluating one miner takes a good part of a second on a busy CPU. */
    private static final GptConfig MODEL = new GptConfig(256, 64, 128, 4, 4, null, "gelu_new", 1e-5, 0.02, 0, 0, 0,
            true, null, null, Map.of());
    private static final int OTHER_MINERS = 4;

    @TempDir Path tmp;
    SubnetFixture net;
    Sr25519KeyPair validatorKey;
    Path wallets;
    Path state;
    final List<Sr25519KeyPair> miners = new ArrayList<>();
    final List<List<Path>> deltaSets = new ArrayList<>();
    int submissions;

    @AfterEach
    void closeChain() {
        if (net != null) {
            net.close();
        }
    }

    /** Builds the chain, the base model and the validator's wallet on disk (registered and staked). */
    private void setUp(LocalSubnetConfig subnet) throws Exception {
        net = new SubnetFixture(tmp, subnet.withTempo((int) CLOCK.roundBlocks()).withWeightsRateLimit(2), Time.SYSTEM,
                BLOCK, MODEL, 8);
        wallets = tmp.resolve("wallets");
        NaclKeyfileCipher cheap = NaclKeyfileCipher.withSettings(new Argon2Settings(1, 64, 1));
        validatorKey = Wallet.create(new WalletPaths(wallets, "v", "default"), PasswordSource.of("pw"), cheap)
                .wallet().hotkey();
        net.registerValidator(validatorKey.ss58Address());
        state = tmp.resolve("state");
    }

    /**
     * Registers the watched honest miner and a few others that train too (so that a round has several
     * deltas to evaluate, and a stop can land between two of them), and makes their deltas for three
     * submissions (while the child JVM starts): each round needs new deltas, since re-sending an earlier
     * round's is a replay, and noise would be screened out as making no progress.
     */
    private void prepareMiners() throws Exception {
        Sr25519KeyPair honest = net.registerMiner("//Bob");
        miners.add(honest);
        for (int i = 0; i < OTHER_MINERS; i++) {
            miners.add(net.registerMiner("//Other" + i));
        }
        for (int k = 0; k < 3; k++) {
            List<Path> set = new ArrayList<>();
            for (int i = 0; i < miners.size(); i++) {
                ParameterSet trained = net.honestDelta(k, miners.get(i).ss58Address(), 8, 3e-3f);
                set.add(net.encode(trained, "miner" + i + "-" + k));
            }
            deltaSets.add(set);
        }
    }

    private Sr25519KeyPair honest() {
        return miners.get(0);
    }

    /** Commits and uploads every miner's delta for {@code round}; all of it lands before the round's deadline. */
    private void submitAll(long round) throws Exception {
        List<Path> deltas = deltaSets.get(submissions++ % deltaSets.size());
        while (net.chain.currentBlock() < CLOCK.startBlock(round)) { // a commitment counts only inside its round
            Thread.sleep(100);
        }
        for (int i = 0; i < miners.size(); i++) {
            long block = net.commit(miners.get(i), round, deltas.get(i));
            assertTrue(block < CLOCK.deadlineBlock(round), "commitment of block " + block + " misses round " + round);
            net.upload(miners.get(i), round, deltas.get(i), deltas.get(i), miners.get(i));
        }
    }

    /** Returns the first round whose deadline leaves time to commit for every miner. */
    private long nextSubmittableRound() {
        long block = net.chain.currentBlock();
        long round = CLOCK.roundOf(block);
        // Each commitment waits for its block to be sealed (about a block each), so leave room for all.
        return block + miners.size() + 3 < CLOCK.deadlineBlock(round) ? round : round + 1;
    }

    private ChildJvm startValidator(String logName, String... extra) throws Exception {
        List<String> args = new ArrayList<>(List.of("run", "--netuid", Integer.toString(SubnetFixture.NETUID),
                "--subtensor.network", "embedded", "--local-chain.dir", tmp.resolve("chain").toString(),
                "--wallet.name", "v", "--wallet.path", wallets.toString(),
                "--base.location", net.baseLocation(), "--data", net.text.toString(),
                "--token-cache", tmp.resolve("token-cache-child").toString(),
                "--state.dir", state.toString(),
                "--round.blocks", Long.toString(CLOCK.roundBlocks()),
                "--round.deadline-margin", Long.toString(CLOCK.deadlineMarginBlocks()),
                "--assigned-pages", "4", "--eval-pages", "32",
                "--locators.allow", "file",
                "--codec", "fp32", // the fixture's miners publish fp32
                "--shutdown.grace", GRACE.toString()));
        args.addAll(List.of(extra));
        return ChildJvm.start(Main.class, args, Map.of(), tmp.resolve(logName));
    }

    private static void await(ChildJvm child, String needle, Duration timeout) throws InterruptedException {
        assertTrue(child.awaitOutput(needle, timeout), "no '" + needle + "' in:\n" + child.output());
    }

    /** Asserts that every state file parses and no temporary file was left next to them. */
    private void assertStateParses() throws Exception {
        if (Files.exists(state.resolve("scores.json"))) {
            ScoreBook.load(state.resolve("scores.json"), 0.3);
        }
        PendingRevealStore.forHotkey(state, validatorKey.ss58Address()).load();
        Path rounds = state.resolve("rounds");
        if (Files.isDirectory(rounds)) {
            try (Stream<Path> files = Files.list(rounds)) {
                for (Path f : files.toList()) {
                    assertTrue(f.getFileName().toString().endsWith(".json"), "stray file " + f);
                    new ObjectMapper().readTree(f.toFile());
                }
            }
        }
        try (Stream<Path> files = Files.list(state)) {
            assertEquals(List.of(), files.filter(f -> f.getFileName().toString().endsWith(".tmp")).toList());
        }
    }

    private JsonNode roundFile(long round) throws Exception {
        return new ObjectMapper().readTree(state.resolve("rounds").resolve(round + ".json").toFile());
    }

    private JsonNode minerEntry(JsonNode roundFile, String hotkey) {
        for (JsonNode m : roundFile.get("miners")) {
            if (m.get("hotkey").asText().equals(hotkey)) {
                return m;
            }
        }
        return null;
    }

    @Test
    void sigtermMidRoundExits143WithinTheGraceSavingNothingOfTheRoundAndARestartFinishesIt() throws Exception {
        setUp(LocalSubnetConfig.defaults());
        long r;
        try (ChildJvm first = startValidator("first.log", "--metrics.port", "0")) {
            prepareMiners();
            r = nextSubmittableRound();
            submitAll(r);
            await(first, "r=" + r + " evaluating miner", Duration.ofSeconds(90));
            long sent = System.nanoTime();
            first.sigterm();
            assertEquals(SIGTERM_EXIT, first.awaitExit(GRACE.plusSeconds(10)));
            long tookMs = (System.nanoTime() - sent) / 1_000_000;
            assertTrue(tookMs < 10_000, "stopping took " + tookMs + " ms");
            String out = first.output();
            assertTrue(out.contains("stopping: round " + r + " abandoned before evaluating miner"), out);
            assertTrue(out.contains("stopped cleanly"), out);
            assertTrue(out.contains("[validator " + io.tensorswarm.common.ops.LogIdentity.shortKey(
                    validatorKey.ss58Address()) + " netuid=1]"), "log lines carry the identity:\n" + out);
        }
        assertStateParses();
        assertFalse(Files.exists(state.resolve("rounds").resolve(r + ".json")), "the abandoned round has no file");
        if (Files.exists(state.resolve("scores.json"))) {
            assertTrue(ScoreBook.load(state.resolve("scores.json"), 0.3).lastRound() < r, "round " + r + " not applied");
        }

        try (ChildJvm second = startValidator("second.log", "--metrics.port", "0")) {
            await(second, "r=" + r + " weights: set", Duration.ofSeconds(60));
            Matcher port = Pattern.compile("metrics on http://127\\.0\\.0\\.1:(\\d+)/metrics").matcher(second.output());
            assertTrue(port.find(), second.output());
            String metrics = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
                    "http://127.0.0.1:" + port.group(1) + "/metrics")).build(), BodyHandlers.ofString()).body();
            Matcher round = Pattern.compile("\ntensorswarm_round (\\S+)").matcher(metrics);
            assertTrue(round.find() && Double.parseDouble(round.group(1)) >= r, metrics);
            assertTrue(Pattern.compile("tensorswarm_bytes_downloaded_total [1-9]").matcher(metrics).find(), metrics);
            assertTrue(metrics.contains("tensorswarm_score{hotkey=\"" + honest().ss58Address() + "\"}"), metrics);

            // A stop while waiting for the next deadline is prompt too.
            long sent = System.nanoTime();
            second.sigterm();
            assertEquals(SIGTERM_EXIT, second.awaitExit(GRACE.plusSeconds(10)));
            assertTrue(System.nanoTime() - sent < Duration.ofSeconds(5).toNanos(), "an idle validator stops at once");
        }
        assertStateParses();
        JsonNode done = roundFile(r);
        assertEquals(miners.size(), done.get("miners").size());
        JsonNode h = minerEntry(done, honest().ss58Address());
        assertTrue(h.get("reason").isNull(), h.toString());
        assertTrue(h.get("score").asDouble() > 0, h.toString());
        assertTrue(ScoreBook.load(state.resolve("scores.json"), 0.3).lastRound() >= r);
    }

    @Test
    void killMinus9MidRoundKeepsScoresAndThePendingRevealAndARestartRevealsItAndFinishesTheRound() throws Exception {
        // Reveals are due in the epoch after the commit's.
        setUp(LocalSubnetConfig.defaults().withCommitRevealEnabled(true).withRevealPeriodEpochs(1));
        long r;
        PendingRevealStore pending = PendingRevealStore.forHotkey(state, validatorKey.ss58Address());
        double scoreAfterR;
        PendingReveal committed;
        boolean revealedBeforeKill;
        try (ChildJvm first = startValidator("first.log")) {
            prepareMiners();
            r = nextSubmittableRound();
            submitAll(r);
            await(first, "r=" + r + " weights: committed", Duration.ofSeconds(90));
            scoreAfterR = ScoreBook.load(state.resolve("scores.json"), 0.3).score(honest().ss58Address());
            assertTrue(scoreAfterR > 0);
            List<PendingReveal> saved = pending.load();
            assertEquals(1, saved.size(), saved.toString());
            committed = saved.get(0);
            assertTrue(committed.revealFromBlock() > CLOCK.deadlineBlock(r + 1), "round r's commit (block "
                    + committed.commitBlock() + ") must not be due before round r+1 began: " + committed.revealFromBlock());

            submitAll(r + 1);
            await(first, "r=" + (r + 1) + " evaluating miner", Duration.ofSeconds(60));
            first.sigkill();
            first.awaitExit(Duration.ofSeconds(10));
            assertFalse(first.output().contains("r=" + (r + 1) + " weights:"), "killed before the round ended");
            // Round r+1 is scored once its uploads close, in round r+2, when round r's reveal may be due
            // already: it is then sent before the kill.
            revealedBeforeKill = first.output().contains("revealed the weights committed in block "
                    + committed.commitBlock());
        }
        assertStateParses();
        ScoreBook book = ScoreBook.load(state.resolve("scores.json"), 0.3);
        assertEquals(r, book.lastRound(), "the killed round was not applied");
        assertEquals(scoreAfterR, book.score(honest().ss58Address()), 0.0, "round r's scores survived");
        assertEquals(revealedBeforeKill ? List.of() : List.of(committed.commitHash()),
                pending.load().stream().map(PendingReveal::commitHash).toList(),
                "the pending reveal survived unless it was sent before the kill");

        try (ChildJvm second = startValidator("second.log", "--rounds", "1")) {
            assertEquals(0, second.awaitExit(Duration.ofSeconds(90)), second.output());
            String out = second.output();
            assertTrue(revealedBeforeKill || out.contains("revealed the weights committed in block "
                    + committed.commitBlock()), out);
            assertTrue(Pattern.compile("r=(" + (r + 1) + "|" + (r + 2) + ") weights: committed").matcher(out).find(),
                    out);
        }
        assertStateParses();
        List<PendingReveal> left = pending.load();
        assertEquals(1, left.size(), "round r's reveal is gone, the new round's commit waits");
        assertFalse(left.get(0).commitHash().equals(committed.commitHash()));
        ScoreBook after = ScoreBook.load(state.resolve("scores.json"), 0.3);
        assertTrue(after.lastRound() == r + 1 || after.lastRound() == r + 2, "last round " + after.lastRound());
        if (after.lastRound() == r + 1) {
            // the restart redid the killed round: the honest miner was scored again
            JsonNode redone = roundFile(r + 1);
            assertEquals(miners.size(), redone.get("miners").size());
            assertNull(minerEntry(redone, honest().ss58Address()).get("reason").textValue());
            assertTrue(after.score(honest().ss58Address()) > scoreAfterR * (1 - 0.3), "score grew or held");
        }
        long lastUpdate = net.chain.metagraph(SubnetFixture.NETUID).byHotkey(validatorKey.ss58Address())
                .orElseThrow().lastUpdate();
        assertEquals(left.get(0).commitBlock(), lastUpdate, "the new commit, not the reveal, is the neuron's update");
    }
}
