package io.tensorswarm.protocol.fetch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tensorswarm.chain.crypto.Sr25519KeyPair;
import io.tensorswarm.chain.crypto.Sr25519ManifestSigner;
import io.tensorswarm.chain.crypto.Sr25519SignatureVerifier;
import io.tensorswarm.common.model.ModelDirectory;
import io.tensorswarm.common.protocol.CommitmentPayload;
import io.tensorswarm.common.protocol.DeltaCodecs;
import io.tensorswarm.common.protocol.DeltaFileBounds;
import io.tensorswarm.common.protocol.DeltaManifest;
import io.tensorswarm.common.protocol.DeltaMetadata;
import io.tensorswarm.common.protocol.Sha256;
import io.tensorswarm.common.protocol.StorageLayout;
import io.tensorswarm.common.safetensors.SafetensorsHeader;
import io.tensorswarm.common.safetensors.SafetensorsReader;
import io.tensorswarm.common.safetensors.SafetensorsWriter;
import io.tensorswarm.common.tensor.DType;
import io.tensorswarm.common.tensor.Deltas;
import io.tensorswarm.common.tensor.NamedTensor;
import io.tensorswarm.common.tensor.ParameterSet;
import io.tensorswarm.common.testing.TestModels;
import io.tensorswarm.storage.ForwardingObjectStore;
import io.tensorswarm.storage.GetRequest;
import io.tensorswarm.storage.ObjectInfo;
import io.tensorswarm.storage.ObjectStore;
import io.tensorswarm.storage.ObjectStores;
import io.tensorswarm.storage.PutRequest;
import io.tensorswarm.storage.StorageOptions;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What a hostile miner can commit or upload, against the real fetcher and real stores: crafted
 * locators, oversized and junk deltas, silent stores. Each must cost one rejection of that miner,
 * quickly, and nothing else: no other exception, no directory created, no body downloaded before its
 * header is checked, no other miner held up.
 */
@Timeout(60)
class HostileSubmissionTest {
    private static final int NETUID = 1;
    private static final LocatorSchemes ALL = LocatorSchemes.parse("file,s3,hf");

    @TempDir Path tmp;
    Path storesDir;
    ParameterSet base;
    String revision;
    Path deltaFile;
    SilentServer silent;
    final List<GetRequest> reads = new CopyOnWriteArrayList<>();

    @BeforeEach
    void setUp() throws Exception {
        Path model = TestModels.writeMicroModel(tmp.resolve("base"), 3);
        base = ModelDirectory.readWeights(model);
        revision = Sha256.ofFile(model.resolve(ModelDirectory.WEIGHTS_FILE));
        ParameterSet delta = Deltas.weightedSum(List.of(Deltas.compute(
                ModelDirectory.readWeights(TestModels.writeMicroModel(tmp.resolve("other"), 4)), base)), new float[] {0.1f});
        deltaFile = tmp.resolve("delta.safetensors");
        new SafetensorsWriter().write(DeltaCodecs.forName("fp32").encode(delta), deltaFile);
        storesDir = Files.createDirectories(tmp.resolve("stores"));
        silent = new SilentServer();
    }

    @AfterEach
    void tearDown() throws IOException {
        silent.close();
    }

    private DeltaFetcher.Builder fetcher() {
        StorageOptions options = StorageOptions.builder().optHfEndpoint(silent.uri()).optCacheDir(tmp.resolve("hf-cache"))
                .optReadTimeout(Duration.ofSeconds(30)).build();
        return DeltaFetcher.builder()
                .setStoreOpener(loc -> new RecordingStore(ObjectStores.open(loc, options), reads))
                .setVerifier(new Sr25519SignatureVerifier())
                .setMaxDeltaBytes(4L << 30)
                .optAllowedSchemes(ALL);
    }

    /**
     * Stores {@code file} (or, when null, nothing: the caller writes the delta in place) with a signed
     * manifest declaring {@code size} bytes; returns the miner's commitment.
     */
    private CommitmentPayload upload(Sr25519KeyPair miner, Path file, String sha, long size, int tensors) throws Exception {
        String hotkey = miner.ss58Address();
        DeltaManifest m = DeltaManifest.unsigned(hotkey, NETUID, 0, revision, "fp32", sha, size, tensors, 1)
                .sign(new Sr25519ManifestSigner(miner));
        Path dir = minerStore(miner);
        try (ObjectStore store = ObjectStores.open(dir.toUri().toString(), StorageOptions.defaults())) {
            if (file != null) {
                store.put(PutRequest.ofFile(StorageLayout.deltaKey(0, hotkey), file));
            }
            store.put(PutRequest.ofBytes(StorageLayout.manifestKey(0, hotkey), m.toJson()));
        }
        return CommitmentPayload.forDelta(NETUID, 0, hotkey, sha, dir.toUri().toString());
    }

    private Path minerStore(Sr25519KeyPair miner) {
        return storesDir.resolve(miner.ss58Address().substring(0, 8));
    }

    private CommitmentPayload honest(Sr25519KeyPair miner) throws Exception {
        return upload(miner, deltaFile, Sha256.ofFile(deltaFile), Files.size(deltaFile),
                new SafetensorsReader().readHeader(deltaFile).size());
    }

    private RejectedDeltaException rejected(DeltaFetcher f, Sr25519KeyPair miner, CommitmentPayload payload, ParameterSet layout) {
        RejectedDeltaException e = assertThrows(RejectedDeltaException.class, () -> f.fetch(miner.ss58Address(), NETUID,
                payload, revision, layout, tmp.resolve("cache/out.safetensors")));
        assertTrue(e.getMessage().startsWith(miner.ss58Address() + ": "), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
        return e;
    }

    private List<GetRequest> deltaReads() {
        return reads.stream().filter(r -> r.key().endsWith("delta.safetensors")).toList();
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "file://{tmp}/new#fragment",
        "file://{tmp}/new?query=1",
        "file://{tmp}/new%00evil",
        "file:new/relative",
        "file:new",
        "file:{tmp}/new",
        "file://{tmp}/stores/../new",
        "file://localhost{tmp}/new",
        "file://{tmp}/%E2%80%AEwen",
        "file://{tmp}/back%5Cslash",
        "file://{tmp}/%C3%28",
        "s3://bucket-name/prefix#fragment",
        "s3://BAD_BUCKET/x",
        "hf://owner/repo/pre%00fix",
        "hf:owner/repo",
        "gopher://example.org/x",
    })
    void aCraftedLocatorIsABadLocatorAndTouchesNoDisk(String template) throws Exception {
        Sr25519KeyPair miner = Sr25519KeyPair.fromUri("//Eve");
        String locator = template.replace("{tmp}", tmp.toString());
        List<Path> before = listing();
        CommitmentPayload payload = new CommitmentPayload(0, "0".repeat(64), locator);
        RejectedDeltaException e = rejected(fetcher().build(), miner, payload, base);
        assertTrue(Stream.of("bad locator", "locator not allowed").anyMatch(e.reason()::equals), e.reason() + ": " + e.getMessage());
        if (template.startsWith("file") || template.startsWith("s3") || template.startsWith("hf")) {
            assertEquals("bad locator", e.reason(), e.getMessage());
        }
        assertEquals(before, listing(), "nothing created");
    }

    @Test
    void locatorsWithoutASchemeOrTooLongAreBadLocatorsBeforeAnythingIsOpened() {
        for (String locator : List.of("stores/relative", tmp + "/absolute-but-plain", "x".repeat(10_000),
                "file://" + tmp + "/" + "y".repeat(10_000), " ", "\0")) {
            RejectedDeltaException e = assertThrows(RejectedDeltaException.class, () -> ALL.check(locator));
            assertEquals("bad locator", e.reason(), e.getMessage());
            assertTrue(e.getMessage().length() < 400 && !e.getMessage().contains("\n"), e.getMessage());
        }
    }

    @Test
    void aLocatorOfAMissingOrUnicodeDirectoryFindsNoManifestAndCreatesNothing() throws Exception {
        Sr25519KeyPair miner = Sr25519KeyPair.fromUri("//Eve");
        List<Path> before = listing();
        for (Path dir : List.of(tmp.resolve("no/such/dir"), tmp.resolve("d\u00e9lta-\u5b58"))) {
            CommitmentPayload payload = new CommitmentPayload(0, "0".repeat(64), "file://" + dir);
            assertEquals("missing manifest", rejected(fetcher().build(), miner, payload, base).reason());
        }
        assertEquals(before, listing(), "nothing created");
    }

    @Test
    void aGigabyteOfJunkIsRejectedFromItsHeaderWithoutDownloadingTheBody() throws Exception {
        // A base whose fp32 deltas are a gigabyte, mapped from a sparse file: the cap is the codec's, not a flat one.
        long elements = 1L << 28;
        ParameterSet bigBase = ParameterSet.builder()
                .add(new NamedTensor("w", DType.F32, new long[] {elements}, sparseMap(tmp.resolve("big-base.bin"), elements * 4)))
                .build();
        // The junk: a well-formed header for one tensor of another name, then a sparse gigabyte.
        long size = 1L << 30;
        SafetensorsHeader junk = headerFilling(size);
        Sr25519KeyPair miner = Sr25519KeyPair.fromUri("//Mallory");
        CommitmentPayload payload = upload(miner, null, "ab".repeat(32), size, 1);
        Path junkFile = minerStore(miner).resolve(StorageLayout.deltaKey(0, miner.ss58Address())); // sparse, in place
        try (RandomAccessFile f = new RandomAccessFile(junkFile.toFile(), "rw")) {
            f.setLength(size);
            byte[] json = junk.encode();
            f.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(json.length).array());
            f.write(json);
        }
        DeltaFetcher f = fetcher().build();

        long start = System.nanoTime();
        RejectedDeltaException e = rejected(f, miner, payload, bigBase);
        long millis = (System.nanoTime() - start) / 1_000_000;

        assertEquals("bad delta", e.reason(), e.getMessage());
        assertTrue(e.getMessage().contains("evil"), e.getMessage());
        assertTrue(millis < 1000, "rejected in " + millis + " ms");
        assertTrue(deltaReads().stream().allMatch(r -> r.isRange() && r.offset() + r.length() <= 64 << 10),
                "only the header was read: " + deltaReads());
        try (Stream<Path> cache = Files.list(tmp)) {
            assertTrue(cache.noneMatch(p -> p.getFileName().toString().equals("cache")), "no download started");
        }
    }

    @Test
    void aDeltaAboveWhatItsCodecCanWriteForTheBaseIsRefusedBeforeAnyOfItIsRead() throws Exception {
        Sr25519KeyPair miner = Sr25519KeyPair.fromUri("//Mallory");
        long bound = DeltaFileBounds.of(DeltaCodecs.forName("fp32"), base).maxFileBytes();
        CommitmentPayload payload = upload(miner, deltaFile, Sha256.ofFile(deltaFile), bound + 1,
                new SafetensorsReader().readHeader(deltaFile).size());
        RejectedDeltaException e = rejected(fetcher().build(), miner, payload, base);
        assertEquals("delta too large", e.reason());
        assertTrue(e.getMessage().contains("the most a fp32 delta of this base can be"), e.getMessage());
        assertEquals(List.of(), deltaReads());
        assertEquals("delta too large", rejected(fetcher().setMaxDeltaBytes(1000).build(), miner, payload, base).reason());
    }

    @Test
    void aManifestSizeOtherThanTheObjectsIsFoundByTheHeaderRead() throws Exception {
        Sr25519KeyPair miner = Sr25519KeyPair.fromUri("//Mallory");
        CommitmentPayload payload = upload(miner, deltaFile, Sha256.ofFile(deltaFile), Files.size(deltaFile) + 8,
                new SafetensorsReader().readHeader(deltaFile).size());
        assertEquals("delta size mismatch", rejected(fetcher().build(), miner, payload, base).reason());
        assertTrue(deltaReads().stream().allMatch(GetRequest::isRange), deltaReads().toString());
    }

    @Test
    void fetchAllRunsMinersConcurrentlyAndASilentStoreCostsOnlyItsDeadline() throws Exception {
        Sr25519KeyPair alice = Sr25519KeyPair.fromUri("//Alice");
        Sr25519KeyPair bob = Sr25519KeyPair.fromUri("//Bob");
        Sr25519KeyPair charlie = Sr25519KeyPair.fromUri("//Charlie");
        Sr25519KeyPair dave = Sr25519KeyPair.fromUri("//Dave");
        List<FetchRequest> requests = List.of(
                request(charlie, new CommitmentPayload(0, "0".repeat(64), "hf://silent/one")),
                request(alice, honest(alice)),
                request(dave, new CommitmentPayload(0, "0".repeat(64), "hf://silent/two")),
                request(bob, honest(bob)));
        Duration deadline = Duration.ofMillis(1500);
        DeltaFetcher f = fetcher().optTimeout(deadline).optConcurrency(2).build();

        long start = System.nanoTime();
        Map<String, FetchResult> results = f.fetchAll(NETUID, revision, base, requests);
        long millis = (System.nanoTime() - start) / 1_000_000;

        assertEquals(requests.stream().map(FetchRequest::hotkey).toList(), List.copyOf(results.keySet()), "the caller's order");
        assertTrue(results.get(alice.ss58Address()).accepted(), String.valueOf(results.get(alice.ss58Address())));
        assertTrue(results.get(bob.ss58Address()).accepted(), String.valueOf(results.get(bob.ss58Address())));
        assertTrue(Files.isRegularFile(tmp.resolve("cache").resolve(bob.ss58Address() + ".safetensors")));
        for (Sr25519KeyPair hung : List.of(charlie, dave)) {
            FetchResult r = results.get(hung.ss58Address());
            assertEquals("download timeout", r.rejection().reason(), r.rejection().getMessage());
        }
        // Two silent stores at two at a time: about one deadline in all, never one after the other.
        assertTrue(millis < 2 * deadline.toMillis() - 200, "took " + millis + " ms");
        assertTrue(silent.connections() >= 2, "both silent stores were asked");
    }

    @Test
    void aStopRequestAbandonsEveryFetchAtOnce() throws Exception {
        AtomicBoolean stop = new AtomicBoolean();
        DeltaFetcher f = fetcher().optTimeout(Duration.ofMinutes(10)).optStopRequested(stop::get).build();
        Sr25519KeyPair charlie = Sr25519KeyPair.fromUri("//Charlie");
        Sr25519KeyPair dave = Sr25519KeyPair.fromUri("//Dave");
        List<FetchRequest> requests = List.of(
                request(charlie, new CommitmentPayload(0, "0".repeat(64), "hf://silent/one")),
                request(dave, new CommitmentPayload(0, "0".repeat(64), "hf://silent/two")));
        Thread stopper = new Thread(() -> {
            try {
                Thread.sleep(300);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            stop.set(true);
        });
        stopper.start();
        long start = System.nanoTime();
        StopRequestedException e = assertThrows(StopRequestedException.class, () -> f.fetchAll(NETUID, revision, base, requests));
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertTrue(millis < 300 + 2 * DeltaFetcher.STOP_POLL.toMillis() + 500, "took " + millis + " ms");
        assertTrue(e.getMessage().contains(charlie.ss58Address()) && e.getMessage().contains(dave.ss58Address()), e.getMessage());
        stopper.join();
    }

    @Test
    void twoRequestsForOneHotkeyAreACallerError() throws Exception {
        Sr25519KeyPair alice = Sr25519KeyPair.fromUri("//Alice");
        FetchRequest r = request(alice, honest(alice));
        assertThrows(IllegalArgumentException.class, () -> fetcher().build().fetchAll(NETUID, revision, base, List.of(r, r)));
    }

    private FetchRequest request(Sr25519KeyPair miner, CommitmentPayload payload) {
        return new FetchRequest(miner.ss58Address(), payload, tmp.resolve("cache").resolve(miner.ss58Address() + ".safetensors"));
    }

    private List<Path> listing() throws IOException {
        try (Stream<Path> s = Files.walk(tmp)) {
            return s.filter(p -> !p.startsWith(tmp.resolve("hf-cache"))).sorted().toList();
        }
    }

    private static ByteBuffer sparseMap(Path file, long bytes) throws IOException {
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.setLength(bytes);
        }
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            return ch.map(FileChannel.MapMode.READ_ONLY, 0, bytes);
        }
    }

    /** Returns an fp32 header of one tensor named {@code evil} whose file is exactly {@code size} bytes. */
    private static SafetensorsHeader headerFilling(long size) {
        long elements = size / 4;
        for (int i = 0; i < 4; i++) {
            SafetensorsHeader h = SafetensorsHeader.builder().add("evil", DType.F32, new long[] {elements})
                    .putMetadata(DeltaMetadata.CODEC, "fp32").build();
            if (h.fileLength() == size) {
                return h;
            }
            elements = (size - 8 - h.headerLength()) / 4;
        }
        throw new IllegalStateException("no header fills " + size + " bytes");
    }

    /** Records every read, then reads from the real store. */
    private static final class RecordingStore extends ForwardingObjectStore {
        private final List<GetRequest> reads;

        RecordingStore(ObjectStore real, List<GetRequest> reads) {
            super(real);
            this.reads = reads;
        }

        @Override
        public ObjectInfo get(GetRequest request, Path target) {
            reads.add(request);
            return super.get(request, target);
        }

        @Override
        public byte[] getBytes(GetRequest request) {
            reads.add(request);
            return super.getBytes(request);
        }
    }

    /** An HTTP endpoint on 127.0.0.1 that accepts connections and never answers; at most 16 held. */
    private static final class SilentServer implements AutoCloseable {
        private final ServerSocket socket = new ServerSocket(0, 16, InetAddress.getLoopbackAddress());
        private final List<Socket> held = new CopyOnWriteArrayList<>();

        SilentServer() throws IOException {
            Thread t = new Thread(() -> {
                while (!socket.isClosed()) {
                    try {
                        Socket s = socket.accept();
                        if (held.size() < 16) {
                            held.add(s);
                        } else {
                            s.close();
                        }
                    } catch (IOException e) {
                        return;
                    }
                }
            }, "silent-server");
            t.setDaemon(true);
            t.start();
        }

        java.net.URI uri() {
            return java.net.URI.create("http://127.0.0.1:" + socket.getLocalPort());
        }

        int connections() {
            return held.size();
        }

        @Override
        public void close() throws IOException {
            socket.close();
            for (Socket s : held) {
                s.close();
            }
        }
    }
}
