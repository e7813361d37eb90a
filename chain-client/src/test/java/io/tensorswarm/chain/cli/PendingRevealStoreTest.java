package io.tensorswarm.chain.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tensorswarm.chain.local.LocalChain;
import io.tensorswarm.chain.local.LocalSubnetConfig;
import io.tensorswarm.chain.local.MockTime;
import io.tensorswarm.common.cli.ExitCodes;
import io.tensorswarm.common.cli.ExitException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The pending-reveal file shared by {@code chain set-weights}/{@code reveal} and the validator daemon. */
class PendingRevealStoreTest {
    private static final String HOTKEY = "5FHneW46xGXgs5mUiveU4sbTyGBzmstUspZC92UhjJM694ty";

    @TempDir Path dir;

    private static PendingReveal reveal(long commitBlock, String hash) {
        return new PendingReveal("0xabcd", 1, HOTKEY, new int[] {0, 2}, new int[] {65535, 1234},
                new int[] {1, 2, 3, 4, 5, 6, 7, 8}, 7, commitBlock, commitBlock + 8, commitBlock + 17, hash);
    }

    @Test
    void addedRevealsAreReadBackInOrderByANewInstance() {
        PendingRevealStore store = PendingRevealStore.forHotkey(dir, HOTKEY);
        store.add(reveal(12, "0x01"));
        store.add(reveal(30, "0x02"));

        List<PendingReveal> read = PendingRevealStore.forHotkey(dir, HOTKEY).load();
        assertEquals(List.of("0x01", "0x02"), read.stream().map(PendingReveal::commitHash).toList());
        PendingReveal first = read.get(0);
        assertEquals("0xabcd", first.chain());
        assertEquals(1, first.netuid());
        assertEquals(HOTKEY, first.hotkey());
        assertArrayEquals(new int[] {0, 2}, first.uids());
        assertArrayEquals(new int[] {65535, 1234}, first.values());
        assertArrayEquals(new int[] {1, 2, 3, 4, 5, 6, 7, 8}, first.salt());
        assertEquals(7, first.versionKey());
        assertEquals(12, first.commitBlock());
        assertEquals(20, first.revealFromBlock());
        assertEquals(29, first.revealUntilBlock());
        assertEquals(dir.resolve("pending-reveals-" + HOTKEY + ".json"), store.file());
    }

    @Test
    @Timeout(30)
    void unrevealedCountsThisHotkeysRevealsOnThisChainAndSubnetUntilTheirWindowEnds() {
        PendingRevealStore store = PendingRevealStore.forHotkey(dir, HOTKEY);
        store.add(reveal(12, "0x01")); // window 20-29
        store.add(reveal(30, "0x02")); // window 38-47
        store.add(new PendingReveal("0xabcd", 2, HOTKEY, new int[] {0}, new int[] {1}, new int[] {1}, 7, 30, 38, 47, "0x03"));
        store.add(new PendingReveal("0xffff", 1, HOTKEY, new int[] {0}, new int[] {1}, new int[] {1}, 7, 30, 38, 47, "0x04"));
        assertEquals(2, store.unrevealedAt("0xabcd", 1, HOTKEY, 29));
        assertEquals(1, store.unrevealedAt("0xabcd", 1, HOTKEY, 30), "the first commit expired after block 29");
        assertEquals(0, store.unrevealedAt("0xabcd", 1, HOTKEY, 48));
        assertEquals(0, store.unrevealedAt("0xabcd", 1, "5Other", 20));
    }

    @Test
    void removeDropsOnlyTheRevealWithThatCommitHash() {
        PendingRevealStore store = PendingRevealStore.forHotkey(dir, HOTKEY);
        store.add(reveal(12, "0x01"));
        store.add(reveal(30, "0x02"));
        store.remove(reveal(999, "0x01"));
        assertEquals(List.of("0x02"), store.load().stream().map(PendingReveal::commitHash).toList());
    }

    @Test
    void replaceUpdatesTheRevealWithTheSameHashInPlaceOrAppendsANewOne() {
        PendingRevealStore store = PendingRevealStore.forHotkey(dir, HOTKEY);
        store.add(reveal(12, "0x01"));
        store.add(reveal(30, "0x02"));
        store.replace(reveal(13, "0x01"));
        store.replace(reveal(40, "0x03"));
        List<PendingReveal> read = store.load();
        assertEquals(List.of("0x01", "0x02", "0x03"), read.stream().map(PendingReveal::commitHash).toList());
        assertEquals(List.of(13L, 30L, 40L), read.stream().map(PendingReveal::commitBlock).toList());
    }

    @Test
    void aMissingFileIsAnEmptyListAndIsNotCreatedByReading() {
        PendingRevealStore store = PendingRevealStore.forHotkey(dir.resolve("state"), HOTKEY);
        assertEquals(List.of(), store.load());
        assertFalse(Files.exists(store.file()));
    }

    @Test
    void readsTheFileFormatThatChainSetWeightsHasAlwaysWritten() throws Exception {
        Path file = dir.resolve("pending-reveals-" + HOTKEY + ".json");
        Files.writeString(file, """
                [ {
                  "chain" : "0x00ff",
                  "netuid" : 3,
                  "hotkey" : "%s",
                  "uids" : [ 1 ],
                  "values" : [ 65535 ],
                  "salt" : [ 9, 8 ],
                  "versionKey" : 0,
                  "commitBlock" : 12,
                  "revealFromBlock" : 20,
                  "revealUntilBlock" : 29,
                  "commitHash" : "0x77"
                } ]
                """.formatted(HOTKEY));
        PendingReveal r = PendingRevealStore.forHotkey(dir, HOTKEY).load().get(0);
        assertTrue(r.isFor("0x00ff", 3, HOTKEY));
        assertFalse(r.isFor("0x00ff", 4, HOTKEY));
        assertFalse(r.isFor("0x0000", 3, HOTKEY));
        assertArrayEquals(new int[] {9, 8}, r.salt());
        assertEquals("0x77", r.commitHash());
    }

    @Test
    void anUnreadableFileIsAStateErrorNamingTheFileAndIsLeftAlone() throws Exception {
        PendingRevealStore store = PendingRevealStore.forHotkey(dir, HOTKEY);
        Files.writeString(store.file(), "[ {\"chain\": ");
        ExitException e = assertThrows(ExitException.class, () -> store.add(reveal(1, "0x01")));
        assertEquals(ExitCodes.STATE, e.exitCode());
        assertTrue(e.getMessage().contains(store.file().toString()), e.getMessage());
        assertEquals("[ {\"chain\": ", Files.readString(store.file()));
    }

    @Test
    void concurrentAddsFromThreadsAreAllKeptAndNoTemporaryFileIsLeft() throws Exception {
        PendingRevealStore store = PendingRevealStore.forHotkey(dir, HOTKEY);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> jobs = new ArrayList<>();
            for (int i = 0; i < 16; i++) {
                String hash = "0x" + Integer.toHexString(i);
                // a second instance of the same file, as two components of one process would hold
                PendingRevealStore s = i % 2 == 0 ? store : PendingRevealStore.forHotkey(dir, HOTKEY);
                jobs.add(pool.submit(() -> s.add(reveal(1, hash))));
            }
            for (Future<?> job : jobs) {
                job.get();
            }
        } finally {
            pool.shutdown();
        }
        assertEquals(16, store.load().stream().map(PendingReveal::commitHash).distinct().count());
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of(), files.filter(p -> p.getFileName().toString().endsWith(".tmp")).toList());
        }
    }

    @Test
    void ofNamesTheChainByGenesisHashAndComputesTheRevealWindow() throws Exception {
        try (LocalChain chain = LocalChain.builder().setDirectory(dir.resolve("chain")).optTime(new MockTime(0))
                .optSubnet(1, LocalSubnetConfig.defaults().withCommitRevealEnabled(true).withTempo(10)
                        .withRevealPeriodEpochs(1))
                .build()) {
            PendingReveal r = PendingReveal.of(chain, chain.hyperparameters(1), HOTKEY, new int[] {0},
                    new int[] {65535}, new int[] {1}, 0, 12, "0x01");
            assertEquals("0x" + HexFormat.of().formatHex(chain.blockHash(0)), r.chain());
            assertEquals(r.chain(), PendingReveal.chainIdOf(chain));
            assertEquals(1, r.netuid());
            assertEquals(20, r.revealFromBlock());
            assertEquals(29, r.revealUntilBlock());
        }
    }

    /** Writes one stored reveal with {@code field} set to the raw JSON {@code value} and returns the load's error. */
    private ExitException refusedWith(String field, String value) throws Exception {
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("chain", "\"0x00ff\"");
        fields.put("netuid", "3");
        fields.put("hotkey", "\"" + HOTKEY + "\"");
        fields.put("uids", "[1, 4]");
        fields.put("values", "[65535, 7]");
        fields.put("salt", "[9, 8, 7, 6, 5, 4, 3, 2]");
        fields.put("versionKey", "0");
        fields.put("commitBlock", "12");
        fields.put("revealFromBlock", "20");
        fields.put("revealUntilBlock", "29");
        fields.put("commitHash", "\"0x77\"");
        fields.put(field, value);
        StringBuilder json = new StringBuilder("[ {");
        fields.forEach((k, v) -> json.append(json.length() > 3 ? ", " : "").append('"').append(k).append("\": ").append(v));
        json.append("} ]");
        PendingRevealStore store = PendingRevealStore.forHotkey(dir, HOTKEY);
        Files.writeString(store.file(), json);
        ExitException e = assertThrows(ExitException.class, store::load);
        assertEquals(ExitCodes.STATE, e.exitCode());
        assertEquals(1, e.getMessage().lines().count(), e.getMessage());
        assertTrue(e.getMessage().contains(store.file().toString()), "names the file: " + e.getMessage());
        assertEquals(json.toString(), Files.readString(store.file()), "the file is left as it is");
        return e;
    }

    private static void assertNames(ExitException e, String... parts) {
        for (String part : parts) {
            assertTrue(e.getMessage().contains(part), "'" + part + "' in: " + e.getMessage());
        }
    }

    @Test
    @Timeout(10)
    void pendingRevealWithAUidAboveU16IsRefusedNamingTheFileAndField() throws Exception {
        assertNames(refusedWith("uids", "[1, 70000]"), "reveal 0", "field uids[1] is 70000, above 65535");
        assertNames(refusedWith("uids", "[-1, 4]"), "field uids[0] is -1, below 0");
    }

    @Test
    @Timeout(10)
    void pendingRevealWithAUidTwiceIsRefusedNamingTheField() throws Exception {
        assertNames(refusedWith("uids", "[4, 4]"), "field uids[1] is 4, a uid listed twice");
    }

    @Test
    @Timeout(10)
    void pendingRevealWithAWeightOutsideU16OrMismatchedCountIsRefusedNamingTheField() throws Exception {
        assertNames(refusedWith("values", "[65536, 7]"), "field values[0] is 65536, above 65535");
        assertNames(refusedWith("values", "[1, -7]"), "field values[1] is -7, below 0");
        assertNames(refusedWith("values", "[1]"), "field values has 1 entries, not one per uid (2)");
    }

    @Test
    @Timeout(10)
    void pendingRevealWithAnEmptyOrLongOrOutOfRangeSaltIsRefusedNamingTheField() throws Exception {
        assertNames(refusedWith("salt", "[]"), "field salt has 0 entries, not 1 to " + PendingRevealStore.MAX_SALT);
        assertNames(refusedWith("salt", "[" + "1,".repeat(PendingRevealStore.MAX_SALT) + "1]"),
                "field salt has " + (PendingRevealStore.MAX_SALT + 1) + " entries");
        assertNames(refusedWith("salt", "[1, 65536]"), "field salt[1] is 65536, not a u16");
    }

    @Test
    @Timeout(10)
    void pendingRevealWithBlocksBeyondU32OrOutOfOrderIsRefusedNamingTheField() throws Exception {
        assertNames(refusedWith("revealUntilBlock", "5000000000"), "field revealUntilBlock is 5000000000, above 4294967295");
        assertNames(refusedWith("commitBlock", "-1"), "field commitBlock is -1, below 0");
        assertNames(refusedWith("revealFromBlock", "30"), "field revealUntilBlock is 29, before revealFromBlock 30");
        assertNames(refusedWith("revealUntilBlock", "4000000000"), "field revealUntilBlock is 4000000000, more than "
                + PendingRevealStore.MAX_WINDOW_BLOCKS + " blocks after commitBlock 12");
    }

    @Test
    @Timeout(10)
    void pendingRevealWithAFractionalOrOverflowingNumberIsRefusedNamingTheField() throws Exception {
        assertNames(refusedWith("uids", "[1.5, 4]"), "not readable JSON", "uids");
        assertNames(refusedWith("uids", "[4294967297, 4]"), "not readable JSON", "uids");
        assertNames(refusedWith("netuid", "70000"), "field netuid is 70000, not a u16");
    }

    @Test
    @Timeout(10)
    void pendingRevealWithMalformedHashesOrHotkeyIsRefusedNamingTheField() throws Exception {
        assertNames(refusedWith("commitHash", "\"0x7g\""), "field commitHash is \"0x7g\", not 0x and 1 to 128 hex digits");
        assertNames(refusedWith("chain", "\"0x" + "ab".repeat(65) + "\""), "field chain is", "not 0x and 1 to 128 hex digits");
        assertNames(refusedWith("chain", "null"), "field chain is missing");
        assertNames(refusedWith("hotkey", "\"5F\\u202e../x\""), "field hotkey is", "not an SS58 address");
        assertNames(refusedWith("versionKey", "-1"), "field versionKey is -1, below 0");
    }

    @Test
    @Timeout(10)
    void pendingRevealFileWithTooManyRevealsOrBytesIsRefusedBeforeUse() throws Exception {
        PendingRevealStore store = PendingRevealStore.forHotkey(dir, HOTKEY);
        String one = "{\"chain\":\"0x00ff\",\"netuid\":3,\"hotkey\":\"" + HOTKEY + "\",\"uids\":[1],\"values\":[1],"
                + "\"salt\":[1],\"versionKey\":0,\"commitBlock\":12,\"revealFromBlock\":20,\"revealUntilBlock\":29,"
                + "\"commitHash\":\"0x77\"}";
        Files.writeString(store.file(), "[" + String.join(",", Collections.nCopies(PendingRevealStore.MAX_REVEALS + 1, one))
                + "]");
        ExitException many = assertThrows(ExitException.class, store::load);
        assertNames(many, store.file().toString(), "holds " + (PendingRevealStore.MAX_REVEALS + 1) + " reveals, above "
                + PendingRevealStore.MAX_REVEALS);
        try (var out = Files.newBufferedWriter(store.file())) {
            out.write("[");
            char[] pad = new char[1 << 20];
            Arrays.fill(pad, ' ');
            for (long written = 0; written <= PendingRevealStore.MAX_BYTES; written += pad.length) {
                out.write(pad);
            }
            out.write("]");
        }
        ExitException big = assertThrows(ExitException.class, () -> store.add(reveal(1, "0x01")));
        assertEquals(ExitCodes.STATE, big.exitCode());
        assertNames(big, store.file().toString(), "-byte cap");
    }

    @Test
    @Timeout(10)
    void aRevealOutOfBoundsIsNeverWrittenSoTheFileStaysReadable() {
        PendingRevealStore store = PendingRevealStore.forHotkey(dir, HOTKEY);
        store.add(reveal(12, "0x01"));
        PendingReveal bad = new PendingReveal("0xabcd", 1, HOTKEY, new int[] {0, 0}, new int[] {1, 2}, new int[] {1}, 7,
                12, 20, 29, "0x02");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> store.add(bad));
        assertTrue(e.getMessage().contains("field uids[1] is 0, a uid listed twice"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> store.replace(bad));
        assertEquals(List.of("0x01"), store.load().stream().map(PendingReveal::commitHash).toList());
    }
}
