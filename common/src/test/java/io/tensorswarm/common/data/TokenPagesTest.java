package io.tensorswarm.common.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TokenPagesTest {
    private static final String HOTKEY_A = "5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY";
    private static final String HOTKEY_B = "5FHneW46xGXgs5mUiveU4sbTyGBzmstUspZC92UhjJM694ty";

    @TempDir
    Path dir;

    /** Two documents: "abcd" and "efg", joined by a newline byte: a b c d \n e f g. */
    private TextDataset twoDocuments() throws IOException {
        Path data = Files.createDirectories(dir.resolve("corpus"));
        Files.writeString(data.resolve("1.txt"), "abcd");
        Files.writeString(data.resolve("2.txt"), "");
        Files.writeString(data.resolve("3.txt"), "efg");
        return TextDatasets.open(data);
    }

    private static TokenPages build(TextDataset dataset, Tokenizer tokenizer, int pageLength, Path cacheDir) {
        return TokenPages.builder().setDataset(dataset).setTokenizer(tokenizer).setPageLength(pageLength)
                .optCacheDir(cacheDir).build();
    }

    @Test
    void joinsDocumentsWithANewlineByteAndCutsCompleteWindows() throws IOException {
        try (TokenPages pages = build(twoDocuments(), new ByteTokenizer(), 3, null)) {
            assertEquals(8, pages.tokenCount());
            assertEquals(2, pages.pageCount());
            assertArrayEquals(new int[] {'a', 'b', 'c'}, pages.page(0));
            assertArrayEquals(new int[] {'d', '\n', 'e'}, pages.page(1));
            assertThrows(IndexOutOfBoundsException.class, () -> pages.page(2));
            List<int[]> all = pages.allPages();
            assertEquals(2, all.size());
            assertArrayEquals(pages.page(1), all.get(1));
        }
    }

    @Test
    void countsOnlyCompleteWindows() throws IOException {
        TextDataset dataset = twoDocuments();
        int[][] expected = {{1, 8}, {2, 4}, {3, 2}, {4, 2}, {5, 1}, {8, 1}};
        for (int[] lengthAndCount : expected) {
            try (TokenPages pages = build(dataset, new ByteTokenizer(), lengthAndCount[0], null)) {
                assertEquals(lengthAndCount[1], pages.pageCount(), "page length " + lengthAndCount[0]);
            }
        }
    }

    @Test
    void padsTheOnlyPageWhenTheDataIsShorterThanOnePage() throws IOException {
        try (TokenPages pages = build(twoDocuments(), new ByteTokenizer(), 10, null)) {
            assertEquals(1, pages.pageCount());
            assertArrayEquals(new int[] {'a', 'b', 'c', 'd', '\n', 'e', 'f', 'g', TokenPages.PAD, TokenPages.PAD},
                    pages.page(0));
        }
    }

    @Test
    void joinsDocumentsWithTheEndOfTextIdOfAHuggingFaceTokenizer() throws Exception {
        Path data = Files.createDirectories(dir.resolve("bpe"));
        Files.writeString(data.resolve("d.jsonl"), "{\"text\": \"the theme\"}\n{\"text\": \" thé\"}\n");
        try (HfTokenizer tokenizer = HfTokenizer.load(HfTokenizerTest.resourceDir().resolve("tokenizer.json"));
                TokenPages pages = build(TextDatasets.open(data), tokenizer, 7, null)) {
            // "the theme" -> 259 260 261; EOS 263; " thé" -> 258 195 169
            assertArrayEquals(new int[] {259, 260, 261, 263, 258, 195, 169}, pages.page(0));
        }
    }

    @Test
    void cachesTheTokenStreamOnDiskAndReusesIt() throws IOException {
        TextDataset dataset = twoDocuments();
        Path cache = dir.resolve("cache");
        CountingTokenizer counting = new CountingTokenizer();
        try (TokenPages first = build(dataset, counting, 3, cache)) {
            assertEquals(3, counting.calls.get(), "three documents, one of them empty");
            assertTrue(Files.isRegularFile(cache.resolve(first.fingerprint() + ".tokens")));
            assertArrayEquals(new int[] {'d', '\n', 'e'}, first.page(1));
        }
        try (TokenPages second = build(dataset, counting, 4, cache);
                TokenPages inMemory = build(dataset, new ByteTokenizer(), 4, null)) {
            assertEquals(3, counting.calls.get(), "the cache must be reused, not re-tokenized");
            assertEquals(inMemory.fingerprint(), second.fingerprint());
            assertEquals(inMemory.tokenCount(), second.tokenCount());
            for (long i = 0; i < inMemory.pageCount(); i++) {
                assertArrayEquals(inMemory.page(i), second.page(i));
            }
        }
    }

    @Test
    void rebuildsADamagedCacheFile() throws IOException {
        TextDataset dataset = twoDocuments();
        Path cache = dir.resolve("cache");
        Path file;
        try (TokenPages pages = build(dataset, new ByteTokenizer(), 3, cache)) {
            file = cache.resolve(pages.fingerprint() + ".tokens");
        }
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            channel.truncate(channel.size() - 4);
        }
        try (TokenPages pages = build(dataset, new ByteTokenizer(), 3, cache)) {
            assertEquals(8, pages.tokenCount());
            assertArrayEquals(new int[] {'d', '\n', 'e'}, pages.page(1));
        }
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            channel.write(ByteBuffer.wrap("GARBAGE!".getBytes()), 0);
        }
        try (TokenPages pages = build(dataset, new ByteTokenizer(), 3, cache)) {
            assertArrayEquals(new int[] {'a', 'b', 'c'}, pages.page(0));
        }
        try (Stream<Path> left = Files.list(cache)) {
            assertEquals(List.of(file), left.toList(), "no partial files are left behind");
        }
    }

    @Test
    void assignsTheSamePagesToTheSameRoundAndHotkeyAndOthersElsewhere() throws Exception {
        Path sample = Path.of(getClass().getResource("/data/english-sample.txt").toURI());
        try (TokenPages pages = build(TextDatasets.open(sample), new ByteTokenizer(), 16, null)) {
            long count = Files.size(sample) / 16;
            assertEquals(count, pages.pageCount());
            long[] a = pages.pageIndicesFor(3, HOTKEY_A, 20);
            assertArrayEquals(a, pages.pageIndicesFor(3, HOTKEY_A, 20));
            assertFalse(Arrays.equals(a, pages.pageIndicesFor(3, HOTKEY_B, 20)));
            assertFalse(Arrays.equals(a, pages.pageIndicesFor(4, HOTKEY_A, 20)));
            Set<Long> distinct = new HashSet<>();
            for (long index : a) {
                assertTrue(index >= 0 && index < count, "index " + index);
                distinct.add(index);
            }
            assertEquals(20, distinct.size());

            List<int[]> contents = pages.pagesFor(3, HOTKEY_A, 20);
            for (int k = 0; k < a.length; k++) {
                assertArrayEquals(pages.page(a[k]), contents.get(k));
            }
            assertArrayEquals(PageSampler.sample(PageSampler.assignedSeed(3, HOTKEY_A, pages.fingerprint()), count, 20), a);
        }
    }

    @Test
    void derivesEvalPagesFromTheSeedOnly() throws IOException {
        try (TokenPages pages = build(twoDocuments(), new ByteTokenizer(), 1, null)) {
            long[] fromLong = pages.evalPageIndices(42L, 5);
            assertArrayEquals(fromLong, pages.evalPageIndices(new byte[] {0, 0, 0, 0, 0, 0, 0, 42}, 5));
            assertFalse(Arrays.equals(fromLong, pages.evalPageIndices(43L, 5)));
            assertArrayEquals(pages.page(fromLong[2]), pages.evalPages(42L, 5).get(2));
            Set<Long> assigned = Set.of(fromLong[0], fromLong[1]);
            long[] unassigned = pages.evalPageIndices(new byte[] {0, 0, 0, 0, 0, 0, 0, 42}, 3, assigned::contains);
            assertArrayEquals(Arrays.copyOfRange(fromLong, 2, 5), unassigned);
            long[] wrapped = pages.evalPageIndices(42L, 12);
            Set<Long> firstPass = new HashSet<>();
            for (int i = 0; i < 8; i++) {
                firstPass.add(wrapped[i]);
            }
            assertEquals(8, firstPass.size());
        }
    }

    @Test
    void fingerprintDependsOnDatasetAndTokenizer() throws Exception {
        TextDataset dataset = twoDocuments();
        try (HfTokenizer bpe = HfTokenizer.load(HfTokenizerTest.resourceDir().resolve("tokenizer.json"));
                TokenPages bytes = build(dataset, new ByteTokenizer(), 2, null);
                TokenPages tokens = build(dataset, bpe, 2, null)) {
            assertEquals(TokenPages.fingerprint(dataset.fingerprint(), "byte"), bytes.fingerprint());
            assertNotEquals(bytes.fingerprint(), tokens.fingerprint());
        }
    }

    @Test
    void rejectsADatasetWithoutText() throws IOException {
        Path data = Files.createDirectories(dir.resolve("empty"));
        Files.writeString(data.resolve("a.txt"), "");
        Files.writeString(data.resolve("b.jsonl"), "{\"text\": null}\n\n");
        TextDataset dataset = TextDatasets.open(data);
        DataException memory = assertThrows(DataException.class, () -> build(dataset, new ByteTokenizer(), 4, null));
        assertTrue(memory.getMessage().contains("dataset empty has no text"), memory.getMessage());
        assertThrows(DataException.class, () -> build(dataset, new ByteTokenizer(), 4, dir.resolve("cache")));
    }

    @Test
    void reportsMissingBuilderValues() throws IOException {
        TextDataset dataset = twoDocuments();
        assertThrows(IllegalArgumentException.class,
                () -> TokenPages.builder().setTokenizer(new ByteTokenizer()).setPageLength(4).build());
        assertThrows(IllegalArgumentException.class,
                () -> TokenPages.builder().setDataset(dataset).setPageLength(4).build());
        assertThrows(IllegalArgumentException.class,
                () -> TokenPages.builder().setDataset(dataset).setTokenizer(new ByteTokenizer()).build());
        assertThrows(DataException.class, () -> TokenPages.of(new int[0], 4, "fp"));
    }

    /** A byte tokenizer that counts encode calls, to observe cache reuse. */
    private static final class CountingTokenizer implements Tokenizer {
        final AtomicInteger calls = new AtomicInteger();
        private final ByteTokenizer bytes = new ByteTokenizer();

        @Override
        public int[] encode(String text) {
            if (!text.equals("\n")) {
                calls.incrementAndGet();
            }
            return bytes.encode(text);
        }

        @Override
        public String decode(int[] ids) {
            return bytes.decode(ids);
        }

        @Override
        public int vocabSize() {
            return bytes.vocabSize();
        }

        @Override
        public OptionalInt eosTokenId() {
            return OptionalInt.empty();
        }

        @Override
        public String name() {
            return bytes.name();
        }
    }
}
