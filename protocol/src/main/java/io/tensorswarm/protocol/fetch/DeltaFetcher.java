package io.tensorswarm.protocol.fetch;

import io.tensorswarm.common.TensorswarmException;
import io.tensorswarm.common.protocol.CommitmentPayload;
import io.tensorswarm.common.protocol.DeltaCodecs;
import io.tensorswarm.common.protocol.DeltaManifest;
import io.tensorswarm.common.protocol.DeltaMetadata;
import io.tensorswarm.common.protocol.ManifestException;
import io.tensorswarm.common.protocol.SignatureVerifier;
import io.tensorswarm.common.protocol.StorageLayout;
import io.tensorswarm.common.safetensors.ReadLimits;
import io.tensorswarm.common.safetensors.SafetensorsHeader;
import io.tensorswarm.common.safetensors.SafetensorsReader;
import io.tensorswarm.common.safetensors.SafetensorsWriter;
import io.tensorswarm.common.tensor.ParameterSet;
import io.tensorswarm.storage.GetRequest;
import io.tensorswarm.storage.ObjectStore;
import io.tensorswarm.storage.StorageException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import java.util.function.Function;

/**
 * Fetches one miner's round submission from its (untrusted) storage locator and checks it in the
 * order of design §3 steps 1-3: the locator's scheme allowed ({@link LocatorSchemes}); manifest
 * present and at most {@link DeltaManifest#MAX_BYTES}, signed by the hotkey, for this hotkey,
 * netuid, round and base revision, naming the committed delta hash; the delta under the size cap,
 * within the timeout, with the manifest's SHA-256 and size; its safetensors header within limits,
 * its codec and tensor count the manifest's; then decodes it against the base layout. The decoded
 * F32 delta is written to a cache file, so that the caller holds at most one delta in memory at a
 * time.
 *
 * <p>Every failure is a {@link RejectedDeltaException} with a short reason. A download in progress
 * is abandoned within {@link #STOP_POLL} of a stop request ({@link StopRequestedException}).
 * Thread-safe when the store opener is.
 *
 * <pre>{@code
 * DeltaFetcher fetcher = DeltaFetcher.builder()
 *         .setStoreOpener(locator -> ObjectStores.open(locator, storageOptions))
 *         .setVerifier(new Sr25519SignatureVerifier())
 *         .setMaxDeltaBytes(4096L << 20)
 *         .optAllowedSchemes(LocatorSchemes.REMOTE)
 *         .build();
 * }</pre>
 */
public final class DeltaFetcher {
    /** How often a running download looks at the stop request. */
    public static final Duration STOP_POLL = Duration.ofMillis(200);

    private final Function<String, ObjectStore> storeOpener;
    private final SignatureVerifier verifier;
    private final long maxDeltaBytes;
    private final Duration timeout;
    private final LocatorSchemes schemes;
    private final BooleanSupplier stopRequested;

    private DeltaFetcher(Builder b) {
        this.storeOpener = b.storeOpener;
        this.verifier = b.verifier;
        this.maxDeltaBytes = b.maxDeltaBytes;
        this.timeout = b.timeout;
        this.schemes = b.schemes;
        this.stopRequested = b.stopRequested;
    }

    /** Returns a builder; the store opener, the verifier and the size cap are required. */
    public static Builder builder() {
        return new Builder();
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
     * @throws StopRequestedException when a stop was requested during the download
     */
    public DeltaManifest fetch(String hotkey, int netuid, CommitmentPayload payload, String baseRevision,
            ParameterSet baseLayout, Path target) {
        long round = payload.round();
        String scheme;
        try {
            scheme = LocatorSchemes.schemeOf(payload.locator());
        } catch (TensorswarmException e) {
            throw new RejectedDeltaException("bad locator", hotkey + ": " + e.getMessage(), e);
        }
        if (!schemes.allows(scheme)) {
            throw new RejectedDeltaException("locator not allowed", hotkey + ": " + scheme
                    + ":// locators are not accepted (--locators.allow " + schemes + ")");
        }
        ObjectStore store;
        try {
            store = storeOpener.apply(payload.locator());
        } catch (TensorswarmException e) {
            throw new RejectedDeltaException("bad locator", hotkey + ": cannot open " + payload.locator() + ": "
                    + e.getMessage(), e);
        }
        try (store) {
            DeltaManifest manifest = fetchManifest(store, hotkey, netuid, round, baseRevision);
            if (!payload.isBindingOf(netuid, hotkey, manifest.deltaSha256())) {
                throw new RejectedDeltaException("commitment mismatch", hotkey + ": the commitment does not bind delta "
                        + manifest.deltaSha256() + " to this hotkey (a copied commitment, or another delta)");
            }
            if (manifest.deltaSize() > maxDeltaBytes) {
                throw new RejectedDeltaException("delta too large", hotkey + ": delta of " + manifest.deltaSize()
                        + " bytes is above the " + maxDeltaBytes + "-byte cap");
            }
            Path download = target.resolveSibling(target.getFileName() + ".download");
            try {
                download(store, hotkey, round, manifest, download);
                ParameterSet delta = decode(hotkey, manifest, download, baseLayout);
                writeAtomically(delta, target);
            } finally {
                deleteQuietly(download);
                deleteQuietly(download.resolveSibling(download.getFileName() + ".part"));
            }
            return manifest;
        }
    }

    private DeltaManifest fetchManifest(ObjectStore store, String hotkey, int netuid, long round, String baseRevision) {
        String key = StorageLayout.manifestKey(round, hotkey);
        byte[] bytes;
        try {
            bytes = store.getBytes(GetRequest.of(key, DeltaManifest.MAX_BYTES));
        } catch (StorageException e) {
            throw switch (e.kind()) {
                case NOT_FOUND -> new RejectedDeltaException("missing manifest", hotkey + ": no " + key, e);
                case TOO_LARGE -> new RejectedDeltaException("manifest too large", hotkey + ": " + key
                        + " is above " + DeltaManifest.MAX_BYTES + " bytes");
                default -> new RejectedDeltaException("manifest unavailable", hotkey + ": " + e.getMessage(), e);
            };
        }
        try {
            DeltaManifest manifest = DeltaManifest.parse(bytes);
            manifest.verify(verifier);
            manifest.requireFor(hotkey, netuid, round, baseRevision);
            return manifest;
        } catch (ManifestException e) {
            String reason = switch (e.kind()) {
                case TOO_LARGE -> "manifest too large";
                case BAD_SIGNATURE -> "bad signature";
                case MISMATCH -> "manifest mismatch";
                default -> "bad manifest";
            };
            throw new RejectedDeltaException(reason, hotkey + ": " + e.getMessage(), e);
        }
    }

    private void download(ObjectStore store, String hotkey, long round, DeltaManifest manifest, Path file) {
        GetRequest request = GetRequest.builder()
                .setKey(StorageLayout.deltaKey(round, hotkey))
                .optMaxBytes(maxDeltaBytes)
                .optExpectedSha256(manifest.deltaSha256())
                .optExpectedSize(manifest.deltaSize())
                .build();
        ExecutorService executor = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "delta-download-" + hotkey);
            t.setDaemon(true);
            return t;
        });
        try {
            Future<?> job = executor.submit(() -> store.get(request, file));
            long deadline = System.nanoTime() + timeout.toNanos();
            while (true) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new RejectedDeltaException("download timeout", hotkey + ": delta download took longer than "
                            + timeout);
                }
                try {
                    job.get(Math.min(left, STOP_POLL.toNanos()), TimeUnit.NANOSECONDS);
                    return;
                } catch (TimeoutException e) {
                    if (stopRequested.getAsBoolean()) {
                        job.cancel(true);
                        throw new StopRequestedException("stop requested while downloading the delta of " + hotkey);
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RejectedDeltaException("interrupted", hotkey + ": interrupted while downloading the delta");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof StorageException se) {
                throw switch (se.kind()) {
                    case NOT_FOUND -> new RejectedDeltaException("missing delta", hotkey + ": " + se.getMessage(), se);
                    case TOO_LARGE -> new RejectedDeltaException("delta too large", hotkey + ": " + se.getMessage());
                    case INTEGRITY -> new RejectedDeltaException("delta hash mismatch", hotkey + ": " + se.getMessage());
                    case TIMEOUT -> new RejectedDeltaException("download timeout", hotkey + ": " + se.getMessage());
                    default -> new RejectedDeltaException("download failed", hotkey + ": " + se.getMessage(), se);
                };
            }
            throw new RejectedDeltaException("download failed", hotkey + ": " + cause, cause);
        } finally {
            executor.shutdownNow();
        }
    }

    private ParameterSet decode(String hotkey, DeltaManifest manifest, Path file, ParameterSet baseLayout) {
        SafetensorsReader reader = new SafetensorsReader(ReadLimits.defaults()
                .withMaxTotalBytes(maxDeltaBytes)
                .withMaxHeaderBytes(Math.min(ReadLimits.DEFAULT_MAX_HEADER_BYTES, DeltaManifest.MAX_BYTES * 64L))
                .withMaxTensors(Math.max(1, 4 * baseLayout.size() + 16)));
        try {
            SafetensorsHeader header = reader.readHeader(file);
            String codec = header.metadata().get(DeltaMetadata.CODEC);
            if (!manifest.codec().equals(codec)) {
                throw new RejectedDeltaException("codec mismatch", hotkey + ": manifest says codec " + manifest.codec()
                        + ", the delta file says " + codec);
            }
            if (header.size() != manifest.tensorCount()) {
                throw new RejectedDeltaException("manifest mismatch", hotkey + ": manifest says "
                        + manifest.tensorCount() + " tensors, the delta file holds " + header.size());
            }
            ParameterSet stored = reader.read(file);
            return DeltaCodecs.forStored(stored).decode(stored, baseLayout);
        } catch (RejectedDeltaException e) {
            throw e;
        } catch (IOException e) {
            throw new RejectedDeltaException("bad delta file", hotkey + ": " + e.getMessage(), e);
        } catch (TensorswarmException e) {
            throw new RejectedDeltaException("bad delta", hotkey + ": " + e.getMessage(), e);
        }
    }

    private static void writeAtomically(ParameterSet delta, Path target) {
        try {
            Files.createDirectories(target.toAbsolutePath().getParent());
            Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
            new SafetensorsWriter().write(delta, tmp);
            Files.move(tmp, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the decoded delta " + target, e);
        }
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException ignored) {
            // a leftover download is removed with the round's cache folder
        }
    }

    /** Builds a {@link DeltaFetcher}; {@code setX} values are required, {@code optX} ones have defaults. */
    public static final class Builder {
        private Function<String, ObjectStore> storeOpener;
        private SignatureVerifier verifier;
        private long maxDeltaBytes;
        private Duration timeout = Duration.ofMinutes(10);
        private LocatorSchemes schemes = LocatorSchemes.REMOTE;
        private BooleanSupplier stopRequested = () -> false;

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

        /** Sets the largest delta file accepted, in bytes. */
        public Builder setMaxDeltaBytes(long value) {
            this.maxDeltaBytes = value;
            return this;
        }

        /** Sets the longest one delta download may take (default 10 minutes). */
        public Builder optTimeout(Duration value) {
            this.timeout = value;
            return this;
        }

        /** Sets the schemes accepted in locators (default {@link LocatorSchemes#REMOTE}). */
        public Builder optAllowedSchemes(LocatorSchemes value) {
            this.schemes = value;
            return this;
        }

        /** Sets what says a stop was requested, looked at while a download runs (default: never). */
        public Builder optStopRequested(BooleanSupplier value) {
            this.stopRequested = value;
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
            java.util.Objects.requireNonNull(schemes, "schemes");
            java.util.Objects.requireNonNull(stopRequested, "stopRequested");
            return new DeltaFetcher(this);
        }
    }
}
