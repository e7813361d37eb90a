package io.tensorswarm.protocol.fetch;

import io.tensorswarm.common.protocol.AcceptedCodecs;
import io.tensorswarm.common.protocol.CommitmentPayload;
import io.tensorswarm.common.protocol.DeltaCodec;
import io.tensorswarm.common.protocol.DeltaFileBounds;
import io.tensorswarm.common.protocol.DeltaManifest;
import io.tensorswarm.common.protocol.SignatureVerifier;
import io.tensorswarm.common.tensor.ParameterSet;
import io.tensorswarm.storage.ObjectStore;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Function;

/**
 * Fetches miners' round submissions from their (untrusted) storage locators and checks them in the
 * order of design §3 steps 1-3, cheapest first, so a hostile miner costs little:
 *
 * <ol>
 *   <li>the locator names an allowed scheme ({@link LocatorSchemes}) and its store opens (storage
 *       refuses malformed locators; opening never creates anything);
 *   <li>the manifest is present, at most {@link DeltaManifest#MAX_BYTES}, signed by the hotkey, for
 *       this hotkey, netuid, round and base revision, and the commitment binds its delta hash to the
 *       hotkey;
 *   <li>the manifest's codec is one the subnet accepts ({@link AcceptedCodecs}, {@link
 *       Builder#optAcceptedCodecs});
 *   <li>the declared size is at most what the manifest's codec can write for the base's tensors
 *       ({@link DeltaFileBounds}) and at most the configured ceiling;
 *   <li>the safetensors header, read alone with ranged reads, implies exactly that size, names the
 *       manifest's codec and tensor count, and holds exactly the tensor names, dtypes and shapes the
 *       codec stores for the base layout ({@link DeltaCodec#checkHeader});
 *   <li>only then the body, verified against the manifest's SHA-256 and size, is downloaded, and
 *       decoded against the base layout into the target file.
 * </ol>
 *
 * <p>Each miner has one deadline ({@link Builder#optTimeout}) covering steps 1-5 up to the end of
 * the download; a miner whose store is slow or unreachable is abandoned at its deadline and rejected
 * with {@code download timeout}, without holding up the others. {@link #fetchAll} fetches several
 * miners at once ({@link Builder#optConcurrency}, default {@value #DEFAULT_CONCURRENCY}); decoding is
 * done one miner at a time, so at most one decoded delta is in memory. A stop request abandons every
 * fetch within {@link #STOP_POLL} ({@link StopRequestedException}); an abandoned fetch never writes
 * its target.
 *
 * <p>Every fault of a submission is a {@link RejectedDeltaException} with a short reason; no
 * locator, manifest or delta, however crafted, makes a fetch throw anything else (except a stop
 * request, or an {@link java.io.UncheckedIOException} when the caller's own disk cannot take the
 * decoded delta). Thread-safe when the store opener is.
 *
 * <pre>{@code
 * DeltaFetcher fetcher = DeltaFetcher.builder()
 *         .setStoreOpener(locator -> ObjectStores.open(locator, storageOptions))
 *         .setVerifier(new Sr25519SignatureVerifier())
 *         .setMaxDeltaBytes(4096L << 20)               // an overall ceiling; the codec and base bound it first
 *         .optAllowedSchemes(LocatorSchemes.parse(allowFlag))
 *         .optAcceptedCodecs(AcceptedCodecs.parse(codecFlag))  // the subnet's codec
 *         .optTimeout(Duration.ofMinutes(10))
 *         .build();
 * Map<String, FetchResult> results = fetcher.fetchAll(netuid, base.revision(), baseWeights, requests);
 * }</pre>
 */
public final class DeltaFetcher {
    /** How often a running fetch looks at the stop request. */
    public static final Duration STOP_POLL = Duration.ofMillis(200);

    /** Miners fetched at once by default. */
    public static final int DEFAULT_CONCURRENCY = 4;
    /** How long abandoned fetches get, in all, to end once they were told to. */
    static final Duration ABANDON_WAIT = Duration.ofSeconds(10);

    private final Function<String, ObjectStore> storeOpener;
    private final SignatureVerifier verifier;
    private final long maxDeltaBytes;
    private final Duration timeout;
    private final LocatorSchemes schemes;
    private final BooleanSupplier stopRequested;
    private final int concurrency;
    private final AcceptedCodecs acceptedCodecs;
    private final boolean keepSparseEncoded;
    private final Semaphore decodePermit = new Semaphore(1);

    private DeltaFetcher(Builder b) {
        this.storeOpener = b.storeOpener;
        this.verifier = b.verifier;
        this.maxDeltaBytes = b.maxDeltaBytes;
        this.timeout = b.timeout;
        this.schemes = b.schemes;
        this.stopRequested = b.stopRequested;
        this.concurrency = b.concurrency;
        this.acceptedCodecs = b.acceptedCodecs;
        this.keepSparseEncoded = b.keepSparseEncoded;
    }

    /** Returns a builder; the store opener, the verifier and the size ceiling are required. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Returns a fetcher like this one that also keeps, for every accepted delta whose codec decodes
     * sparse ({@link DeltaCodec#decodesSparse}), the verified file as downloaded at {@link
     * FetchRequest#encodedCopy} beside the decoded target (as {@link Builder#optKeepSparseEncoded}):
     * the averager decodes it again into the few entries it kept instead of reading G dense deltas.
     */
    public DeltaFetcher keepingSparseEncoded() {
        Builder b = new Builder();
        b.storeOpener = storeOpener;
        b.verifier = verifier;
        b.maxDeltaBytes = maxDeltaBytes;
        b.timeout = timeout;
        b.schemes = schemes;
        b.stopRequested = stopRequested;
        b.concurrency = concurrency;
        b.acceptedCodecs = acceptedCodecs;
        b.keepSparseEncoded = true;
        return b.build();
    }

    /** Returns the codecs the subnet accepts. */
    public AcceptedCodecs acceptedCodecs() {
        return acceptedCodecs;
    }

    /** Returns the schemes accepted in locators. */
    public LocatorSchemes allowedSchemes() {
        return schemes;
    }

    /**
     * Fetches, checks and decodes one submission, writing the decoded delta to {@code target}.
     *
     * @param hotkey the miner's hotkey
     * @param netuid the subnet
     * @param payload the miner's commitment for {@code payload.round()}
     * @param baseRevision the round's base revision
     * @param baseLayout the base model's weights (names and shapes are used)
     * @param target where the decoded F32 delta is written
     * @return the verified manifest
     * @throws RejectedDeltaException naming the first check that failed
     * @throws StopRequestedException when a stop was requested during the fetch
     */
    public DeltaManifest fetch(String hotkey, int netuid, CommitmentPayload payload, String baseRevision,
            ParameterSet baseLayout, Path target) {
        FetchResult result = fetchAll(netuid, baseRevision, baseLayout, List.of(new FetchRequest(hotkey, payload, target)))
                .get(hotkey);
        if (!result.accepted()) {
            throw result.rejection();
        }
        return result.manifest();
    }

    /**
     * Fetches, checks and decodes several miners' submissions, at most {@link Builder#optConcurrency}
     * at once, each within its own deadline; every accepted delta is decoded into its request's
     * target.
     *
     * @param netuid the subnet
     * @param baseRevision the round's base revision
     * @param baseLayout the base model's weights (names and shapes are used)
     * @param requests one per miner, hotkeys distinct
     * @return a result per hotkey, in the order of {@code requests}
     * @throws StopRequestedException when a stop was requested: every fetch still running is abandoned
     * @throws IllegalArgumentException when two requests share a hotkey
     */
    public Map<String, FetchResult> fetchAll(int netuid, String baseRevision, ParameterSet baseLayout,
            List<FetchRequest> requests) {
        Objects.requireNonNull(baseRevision, "baseRevision");
        Objects.requireNonNull(baseLayout, "baseLayout");
        Set<String> hotkeys = new HashSet<>();
        for (FetchRequest r : requests) {
            if (!hotkeys.add(r.hotkey())) {
                throw new IllegalArgumentException("two fetch requests for hotkey " + r.hotkey());
            }
        }
        Deque<FetchRequest> pending = new ArrayDeque<>(requests);
        List<SubmissionFetch> running = new ArrayList<>();
        Map<String, FetchResult> done = new HashMap<>();
        Semaphore finished = new Semaphore(0);
        List<SubmissionFetch> abandoned = new ArrayList<>();
        try {
            while (!pending.isEmpty() || !running.isEmpty()) {
                if (stopRequested.getAsBoolean()) {
                    throw new StopRequestedException("stop requested while fetching the deltas of "
                            + String.join(", ", running.stream().map(SubmissionFetch::hotkey).toList()) + " ("
                            + done.size() + " of " + requests.size() + " done)");
                }
                while (running.size() < concurrency && !pending.isEmpty()) {
                    SubmissionFetch f = new SubmissionFetch(this, netuid, baseRevision, baseLayout, pending.poll(),
                            System.nanoTime() + timeout.toNanos(), finished::release);
                    running.add(f);
                    f.start();
                }
                long wait = STOP_POLL.toNanos();
                long now = System.nanoTime();
                for (Iterator<SubmissionFetch> it = running.iterator(); it.hasNext(); ) {
                    SubmissionFetch f = it.next();
                    if (f.isDone()) {
                        done.put(f.hotkey(), f.result());
                        it.remove();
                    } else if (f.isFetching() && now - f.deadlineNanos() >= 0 && f.abandonIfFetching()) {
                        done.put(f.hotkey(), FetchResult.rejected(f.hotkey(), new RejectedDeltaException("download timeout",
                                f.hotkey() + ": manifest, header and delta not fetched within " + timeout)));
                        it.remove();
                        abandoned.add(f);
                    } else if (f.isFetching()) {
                        wait = Math.min(wait, Math.max(0, f.deadlineNanos() - now));
                    }
                }
                if (!running.isEmpty()) {
                    finished.tryAcquire(Math.max(1, wait), TimeUnit.NANOSECONDS); // a fetch ended, a deadline or a stop poll
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StopRequestedException("interrupted while fetching miners' deltas");
        } finally {
            running.forEach(SubmissionFetch::abandon);
            abandoned.addAll(running);
            awaitAbandoned(abandoned);
        }
        Map<String, FetchResult> ordered = new LinkedHashMap<>();
        for (FetchRequest r : requests) {
            ordered.put(r.hotkey(), done.get(r.hotkey()));
        }
        return ordered;
    }

    /**
     * Gives abandoned fetches (interrupted, their stores closed) a bounded time to end, so none writes
     * into the caller's folder after this returns; a thread stuck past that is left to die on its own.
     */
    private static void awaitAbandoned(List<SubmissionFetch> abandoned) {
        long until = System.nanoTime() + ABANDON_WAIT.toNanos();
        boolean interrupted = false;
        for (SubmissionFetch f : abandoned) {
            try {
                f.awaitExit(Math.max(0, (until - System.nanoTime()) / 1_000_000));
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    Function<String, ObjectStore> storeOpener() {
        return storeOpener;
    }

    SignatureVerifier verifier() {
        return verifier;
    }

    long maxDeltaBytes() {
        return maxDeltaBytes;
    }

    Semaphore decodePermit() {
        return decodePermit;
    }

    boolean keepsSparseEncoded() {
        return keepSparseEncoded;
    }

    /** Builds a {@link DeltaFetcher}; {@code setX} values are required, {@code optX} ones have defaults. */
    public static final class Builder {
        private Function<String, ObjectStore> storeOpener;
        private SignatureVerifier verifier;
        private long maxDeltaBytes;
        private Duration timeout = Duration.ofMinutes(10);
        private LocatorSchemes schemes = LocatorSchemes.REMOTE;
        private BooleanSupplier stopRequested = () -> false;
        private int concurrency = DEFAULT_CONCURRENCY;
        private AcceptedCodecs acceptedCodecs = AcceptedCodecs.all();
        private boolean keepSparseEncoded;

        private Builder() {}

        /** Sets how a miner's store is opened from its committed locator. */
        public Builder setStoreOpener(Function<String, ObjectStore> value) {
            this.storeOpener = value;
            return this;
        }

        /** Sets the sr25519 manifest signature verifier. */
        public Builder setVerifier(SignatureVerifier value) {
            this.verifier = value;
            return this;
        }

        /**
         * Sets the largest delta file accepted, in bytes: an overall ceiling, below which the
         * manifest's codec and the base's tensors set each delta's own bound.
         */
        public Builder setMaxDeltaBytes(long value) {
            this.maxDeltaBytes = value;
            return this;
        }

        /**
         * Sets each miner's deadline, covering manifest, header and delta download (default 10
         * minutes); decoding comes after it.
         */
        public Builder optTimeout(Duration value) {
            this.timeout = value;
            return this;
        }

        /** Sets the schemes accepted in locators (default {@link LocatorSchemes#REMOTE}). */
        public Builder optAllowedSchemes(LocatorSchemes value) {
            this.schemes = value;
            return this;
        }

        /** Sets what says a stop was requested, looked at while fetches run (default: never). */
        public Builder optStopRequested(BooleanSupplier value) {
            this.stopRequested = value;
            return this;
        }

        /** Sets how many miners {@link #fetchAll} fetches at once (default {@value #DEFAULT_CONCURRENCY}). */
        public Builder optConcurrency(int value) {
            this.concurrency = value;
            return this;
        }

        /**
         * Sets the codecs the subnet accepts (default: every codec the protocol knows); daemons pass
         * their {@code --codec} flag, so a delta in another codec is refused before its download.
         */
        public Builder optAcceptedCodecs(AcceptedCodecs value) {
            this.acceptedCodecs = value;
            return this;
        }

        /**
         * Sets whether the verified file of an accepted delta whose codec decodes sparse is kept at
         * {@link FetchRequest#encodedCopy} of its target, beside the decoded delta (default: false;
         * the file of a dense codec is never kept).
         */
        public Builder optKeepSparseEncoded(boolean value) {
            this.keepSparseEncoded = value;
            return this;
        }

        /** Returns the fetcher; throws {@link IllegalArgumentException} naming a missing or bad value. */
        public DeltaFetcher build() {
            if (storeOpener == null) {
                throw new IllegalArgumentException("You must set the store opener");
            }
            if (verifier == null) {
                throw new IllegalArgumentException("You must set the signature verifier");
            }
            if (maxDeltaBytes < 1) {
                throw new IllegalArgumentException("You must set a positive maxDeltaBytes, got " + maxDeltaBytes);
            }
            if (timeout == null || timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("timeout must be positive, got " + timeout);
            }
            if (concurrency < 1) {
                throw new IllegalArgumentException("concurrency must be at least 1, got " + concurrency);
            }
            Objects.requireNonNull(schemes, "schemes");
            Objects.requireNonNull(stopRequested, "stopRequested");
            Objects.requireNonNull(acceptedCodecs, "acceptedCodecs");
            return new DeltaFetcher(this);
        }
    }
}
