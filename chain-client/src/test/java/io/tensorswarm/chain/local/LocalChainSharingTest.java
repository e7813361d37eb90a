package io.tensorswarm.chain.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tensorswarm.chain.ChainException;
import io.tensorswarm.chain.crypto.Sr25519KeyPair;
import io.tensorswarm.chain.model.Commitment;
import io.tensorswarm.chain.model.Metagraph;
import io.tensorswarm.chain.model.Neuron;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Several chains, threads and processes on one state folder; restarts and killed writers. */
class LocalChainSharingTest {
    private static final long TAO = 1_000_000_000L;

    @TempDir
    Path dir;

    private final MockTime time = new MockTime(1_700_000_000_000L);

    private LocalChain chain() {
        return LocalChain.builder().setDirectory(dir).optTime(time).build();
    }

    private static Sr25519KeyPair key(String name) {
        return LocalChainTest.key(name);
    }

    @Test
    void stateSurvivesARestart() {
        LocalChain first = chain();
        int netuid = first.createSubnet(LocalSubnetConfig.defaults().withTempo(5));
        first.burnedRegister(netuid, key("Alice"), key("v").ss58Address());
        first.burnedRegister(netuid, key("Alice"), key("m").ss58Address());
        first.setStake(netuid, key("v").ss58Address(), TAO);
        first.setWeights(netuid, key("v"), new int[] {1}, new int[] {65535}, 0);
        first.setCommitment(netuid, key("m"), new byte[] {9, 8, 7});
        time.sleep(5 * 12_000);
        Metagraph before = first.metagraph(netuid);
        first.close();

        LocalChain second = LocalChain.builder().setDirectory(dir).optTime(time).optBlockTime(Duration.ofSeconds(1)).build();
        assertEquals(Duration.ofSeconds(12), second.blockTime(), "the genesis block time is kept");
        assertEquals(before, second.metagraph(netuid));
        assertEquals(1.0, before.neurons().get(1).incentive(), 1e-12);
        Commitment c = second.commitment(netuid, key("m").ss58Address()).orElseThrow();
        assertEquals(List.of((byte) 9, (byte) 8, (byte) 7), List.of(c.data()[0], c.data()[1], c.data()[2]));
        assertEquals(LocalChain.DEV_ACCOUNT_BALANCE_RAO - 2 * TAO, second.balance(key("Alice").ss58Address()));
    }

    @Test
    void twoChainsOnOneFolderSerializeConcurrentRegistrations() throws Exception {
        LocalChain a = chain();
        LocalChain b = chain();
        int netuid = a.createSubnet(LocalSubnetConfig.defaults());
        assertTrue(b.subnetExists(netuid));
        int perThread = 12;
        List<Sr25519KeyPair> hotkeys = new ArrayList<>();
        for (int i = 0; i < 4 * perThread; i++) {
            hotkeys.add(key("h" + i));
        }
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                LocalChain chain = t % 2 == 0 ? a : b;
                List<Sr25519KeyPair> mine = hotkeys.subList(t * perThread, (t + 1) * perThread);
                done.add(pool.submit(() -> mine.forEach(h -> {
                    chain.burnedRegister(netuid, key("Alice"), h.ss58Address());
                    chain.setCommitment(netuid, h, h.ss58Address().getBytes(StandardCharsets.UTF_8));
                })));
            }
            for (Future<?> f : done) {
                f.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        Metagraph mg = b.metagraph(netuid);
        assertEquals(4 * perThread, mg.neurons().size());
        Set<String> registered = new HashSet<>(mg.neurons().stream().map(Neuron::hotkey).toList());
        assertEquals(hotkeys.stream().map(Sr25519KeyPair::ss58Address).collect(java.util.stream.Collectors.toSet()), registered);
        assertEquals(4 * perThread, a.commitments(netuid).size());
        assertEquals(LocalChain.DEV_ACCOUNT_BALANCE_RAO - 4 * perThread * TAO, a.balance(key("Alice").ss58Address()));
    }

    @Test
    void aSecondJvmRegistersAndCommitsConcurrently() throws Exception {
        LocalChain chain = LocalChain.builder().setDirectory(dir).optBlockTime(Duration.ofMillis(50)).build();
        int netuid = chain.createSubnet(LocalSubnetConfig.defaults().withMaxCommitmentSpace(1_000_000));
        int count = 20;
        Path log = dir.resolveSibling(dir.getFileName() + "-child.log");
        Process child = worker(log, "register", dir.toString(), Integer.toString(netuid), "child", Integer.toString(count));
        Sr25519KeyPair alice = key("Alice");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (chain.metagraph(netuid).neurons().isEmpty() && child.isAlive() && System.nanoTime() < deadline) {
            Thread.onSpinWait(); // start once the child writes, so the two interleave
        }
        for (int i = 0; i < count; i++) {
            Sr25519KeyPair hot = key("parent-" + i);
            chain.burnedRegister(netuid, alice, hot.ss58Address());
            chain.setCommitment(netuid, hot, ("parent-" + i).getBytes(StandardCharsets.UTF_8));
        }
        assertTrue(child.waitFor(120, TimeUnit.SECONDS), "child finished");
        assertEquals(0, child.exitValue(), Files.readString(log));

        Metagraph mg = chain.metagraph(netuid);
        assertEquals(2 * count, mg.neurons().size());
        Set<String> names = new HashSet<>();
        for (Commitment c : chain.commitments(netuid)) {
            String name = new String(c.data(), StandardCharsets.UTF_8);
            assertEquals(Sr25519KeyPair.fromUri("//" + name).ss58Address(), c.hotkey());
            names.add(name);
        }
        assertEquals(2 * count, names.size());
        assertEquals(LocalChain.DEV_ACCOUNT_BALANCE_RAO - count * TAO, chain.balance(key("Bob").ss58Address()));
    }

    @Test
    void aWriterKilledMidLoopLeavesAReadableState() throws Exception {
        LocalChain chain = LocalChain.builder().setDirectory(dir).optBlockTime(Duration.ofMillis(50)).build();
        String target = key("target").ss58Address();
        Path log = dir.resolveSibling(dir.getFileName() + "-killed.log");
        Process child = worker(log, "fund", dir.toString(), target);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (chain.balance(target) < 20 && System.nanoTime() < deadline && child.isAlive()) {
            Thread.onSpinWait();
        }
        child.destroyForcibly();
        assertTrue(child.waitFor(30, TimeUnit.SECONDS));
        long balance = chain.balance(target);
        assertTrue(balance >= 20, "the child wrote; balance " + balance + "; log: " + Files.readString(log));

        chain.fund(target, 1000);
        assertEquals(balance + 1000, chain.balance(target));
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of(StateStore.STATE_FILE, StateStore.LOCK_FILE),
                    files.map(p -> p.getFileName().toString()).sorted().toList(), "no temporaries remain");
        }
    }

    @Test
    void aTornTemporaryFileIsIgnoredAndRemoved() throws IOException {
        LocalChain chain = chain();
        chain.fund(key("x").ss58Address(), 5);
        Path torn = dir.resolve(".state.json.tmp-12345");
        Files.writeString(torn, "{\"version\":1,\"genesisMil");

        LocalChain reopened = chain();
        assertEquals(5, reopened.balance(key("x").ss58Address()));
        reopened.fund(key("x").ss58Address(), 1);
        assertFalse(Files.exists(torn));
        assertEquals(6, chain.balance(key("x").ss58Address()));
    }

    @Test
    void aCorruptStateFileIsAClearError() throws IOException {
        chain().fund(key("x").ss58Address(), 5);
        Files.writeString(dir.resolve(StateStore.STATE_FILE), "{not json");
        ChainException e = assertThrows(ChainException.class, () -> chain().currentBlock());
        assertTrue(e.getMessage().contains(StateStore.STATE_FILE) && e.getMessage().contains("corrupt"), e.getMessage());
        assertFalse(e.retryable());
    }

    private static Process worker(Path log, String... args) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Xmx256m");
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(LocalChainWorker.class.getName());
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }
}
