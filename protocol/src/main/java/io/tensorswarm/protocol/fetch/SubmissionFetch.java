package io.tensorswarm.protocol.fetch;

import io.tensorswarm.common.TensorswarmException;
import io.tensorswarm.common.protocol.CommitmentPayload;
import io.tensorswarm.common.protocol.DeltaCodec;
import io.tensorswarm.common.protocol.DeltaCodecs;
import io.tensorswarm.common.protocol.DeltaFileBounds;
import io.tensorswarm.common.protocol.DeltaManifest;
import io.tensorswarm.common.protocol.ManifestException;
import io.tensorswarm.common.protocol.StorageLayout;
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
import java.nio.file.StandardCopyOption;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Fetches and checks one miner's submission on a thread of its own, for {@link DeltaFetcher}: the
 * locator, the manifest, the commitment binding, the size cap, the header (ranged reads), the body
 * (hashed), then, one miner at a time, the decode into the target file. The caller may abandon it at
 * any point: its thread is interrupted and its store closed, so a hung connection costs the round
 * nothing more, and an abandoned fetch never writes the target.
 */
final class SubmissionFetch implements Runnable {
    /** Talking to the miner's store; the deadline applies. */
    private static final int NETWORK = 0;
    /** Decoding the downloaded file; the deadline no longer applies (the miner's part is done). */
    private static final int LOCAL = 1;
    /** The target is written. */
    private static final int FINISHED = 2;
    /** Given up by the caller: the outcome is ignored and the target never written. */
    private static final int ABANDONED = 3;

    private final DeltaFetcher fetcher;
    private final int netuid;
    private final String baseRevision;
    private final ParameterSet layout;
    private final FetchRequest request;
    private final String hotkey;
    private final long deadlineNanos;
    private final Runnable onDone;
    private final Path download;
    private final AtomicInteger state = new AtomicInteger(NETWORK);
    private final CompletableFuture<DeltaManifest> outcome = new CompletableFuture<>();
    private volatile ObjectStore store;
    private volatile Thread thread;

    SubmissionFetch(DeltaFetcher fetcher, int netuid, String baseRevision, ParameterSet layout, FetchRequest request,
            long deadlineNanos, Runnable onDone) {
        this.fetcher = fetcher;
        this.netuid = netuid;
        this.baseRevision = baseRevision;
        this.layout = layout;
        this.request = request;
        this.hotkey = request.hotkey();
        this.deadlineNanos = deadlineNanos;
        this.onDone = onDone;
        Path target = request.target();
        this.download = target.resolveSibling(target.getFileName() + "." + UUID.randomUUID() + ".download");
    }

    /** Starts the fetch on a daemon thread of its own. */
    void start() {
        Thread t = new Thread(this, "delta-fetch-" + (hotkey.length() > 8 ? hotkey.substring(0, 8) : hotkey));
        t.setDaemon(true);
        thread = t;
        t.start();
    }

    String hotkey() {
        return hotkey;
    }

    long deadlineNanos() {
        return deadlineNanos;
    }

    boolean isDone() {
        return outcome.isDone();
    }

    /** Returns whether it still talks to the miner's store (the deadline applies). */
    boolean isFetching() {
        return state.get() == NETWORK;
    }

    /** Abandons the fetch if it still talks to the miner's store; returns whether it did. */
    boolean abandonIfFetching() {
        if (state.compareAndSet(NETWORK, ABANDONED)) {
            release();
            return true;
        }
        return false;
    }

    /**
     * Waits up to {@code millis} for the fetch's thread to end, so that nothing it would still write
     * (a partial download) lands in the caller's folder after the caller moved on.
     */
    void awaitExit(long millis) throws InterruptedException {
        Thread t = thread;
        if (t != null && millis > 0) {
            t.join(millis);
        }
    }

    /** Abandons the fetch unless it has already written its target. */
    void abandon() {
        while (true) {
            int s = state.get();
            if (s == FINISHED || s == ABANDONED) {
                return;
            }
            if (state.compareAndSet(s, ABANDONED)) {
                release();
                return;
            }
        }
    }

    /**
     * Returns the result of a finished fetch.
     *
     * @throws UncheckedIOException when the decoded delta could not be written (the caller's disk)
     */
    FetchResult result() {
        try {
            return FetchResult.accepted(hotkey, outcome.get());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("result() called before the fetch finished", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RejectedDeltaException r) {
                return FetchResult.rejected(hotkey, r);
            }
            if (cause instanceof UncheckedIOException io) {
                throw io;
            }
            if (cause instanceof Error err) {
                throw err;
            }
            // Hostile input that trips an unexpected error in a library rejects this miner, not the round.
            return FetchResult.rejected(hotkey, new RejectedDeltaException("fetch failed", hotkey + ": " + cause, cause));
        }
    }

    @Override
    public void run() {
        try {
            outcome.complete(fetchAndDecode());
        } catch (Throwable t) {
            outcome.completeExceptionally(t);
        } finally {
            deleteQuietly(download);
            deleteQuietly(download.resolveSibling(download.getFileName() + ".part"));
            deleteQuietly(download.resolveSibling(download.getFileName() + ".part.id"));
            onDone.run();
        }
    }

    private DeltaManifest fetchAndDecode() {
        CommitmentPayload payload = request.payload();
        try {
            fetcher.allowedSchemes().check(payload.locator());
        } catch (RejectedDeltaException e) {
            throw new RejectedDeltaException(e.reason(), hotkey + ": " + e.getMessage());
        }
        ObjectStore opened;
        try {
            opened = fetcher.storeOpener().apply(payload.locator());
        } catch (RuntimeException e) {
            throw new RejectedDeltaException("bad locator", hotkey + ": cannot open "
                    + LocatorSchemes.shown(payload.locator()) + ": " + oneLine(e), e);
        }
        store = opened;
        if (state.get() == ABANDONED) {
            closeQuietly(opened);
            throw abandoned();
        }
        DeltaManifest manifest;
        DeltaCodec codec;
        DeltaFileBounds bounds;
        try (opened) {
            manifest = fetchManifest(opened, payload.round());
            if (!payload.isBindingOf(netuid, hotkey, manifest.deltaSha256())) {
                throw new RejectedDeltaException("commitment mismatch", hotkey + ": the commitment does not bind delta "
                        + manifest.deltaSha256() + " to this hotkey (a copied commitment, or another delta)");
            }
            fetcher.acceptedCodecs().refusal(manifest.codec()).ifPresent(why -> {
                throw new RejectedDeltaException("codec not accepted", hotkey + ": " + why);
            });
            codec = DeltaCodecs.forName(manifest.codec());
            bounds = DeltaFileBounds.of(codec, layout);
            long cap = Math.min(fetcher.maxDeltaBytes(), bounds.maxFileBytes());
            if (manifest.deltaSize() > cap) {
                throw new RejectedDeltaException("delta too large", hotkey + ": delta of " + manifest.deltaSize()
                        + " bytes is above the " + cap + "-byte cap (" + (cap == fetcher.maxDeltaBytes()
                                ? "the configured maximum" : "the most a " + codec.name() + " delta of this base can be") + ")");
            }
            String key = StorageLayout.deltaKey(payload.round(), hotkey);
            DeltaHeaders.check(hotkey, DeltaHeaders.read(hotkey, opened, key, manifest.deltaSize(), bounds), manifest, codec,
                    layout);
            downloadBody(opened, key, manifest, cap);
        }
        if (!state.compareAndSet(NETWORK, LOCAL)) {
            throw abandoned();
        }
        try {
            fetcher.decodePermit().acquire(); // one decoded delta in memory at a time
        } catch (InterruptedException e) {
            throw abandoned();
        }
        try {
            ParameterSet delta = decode(manifest, codec, bounds);
            writeTarget(delta, fetcher.keepsSparseEncoded() && codec.decodesSparse());
        } finally {
            fetcher.decodePermit().release();
        }
        return manifest;
    }

    private DeltaManifest fetchManifest(ObjectStore s, long round) {
        String key = StorageLayout.manifestKey(round, hotkey);
        byte[] bytes;
        try {
            bytes = s.getBytes(GetRequest.of(key, DeltaManifest.MAX_BYTES));
        } catch (StorageException e) {
            throw switch (e.kind()) {
                case NOT_FOUND -> new RejectedDeltaException("missing manifest", hotkey + ": no " + key, e);
                case TOO_LARGE -> new RejectedDeltaException("manifest too large", hotkey + ": " + key
                        + " is above " + DeltaManifest.MAX_BYTES + " bytes");
                case TIMEOUT -> new RejectedDeltaException("download timeout", hotkey + ": " + e.getMessage(), e);
                default -> new RejectedDeltaException("manifest unavailable", hotkey + ": " + e.getMessage(), e);
            };
        }
        try {
            DeltaManifest manifest = DeltaManifest.parse(bytes);
            manifest.verify(fetcher.verifier());
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

    private void downloadBody(ObjectStore s, String key, DeltaManifest manifest, long cap) {
        GetRequest get = GetRequest.builder()
                .setKey(key)
                .optMaxBytes(cap)
                .optExpectedSha256(manifest.deltaSha256())
                .optExpectedSize(manifest.deltaSize())
                .build();
        try {
            s.get(get, download);
        } catch (StorageException e) {
            throw rejection(hotkey, e, "delta hash mismatch");
        }
    }

    /** Decodes the downloaded file after checking its header again: these are the bytes the manifest's hash names. */
    private ParameterSet decode(DeltaManifest manifest, DeltaCodec codec, DeltaFileBounds bounds) {
        SafetensorsReader reader = new SafetensorsReader(bounds.readLimits().withMaxTotalBytes(manifest.deltaSize()));
        try {
            SafetensorsHeader header = reader.readHeader(download);
            DeltaHeaders.check(hotkey, header, manifest, codec, layout);
            return codec.decode(reader.read(download), layout);
        } catch (IOException e) {
            throw new RejectedDeltaException("bad delta file", hotkey + ": " + e.getMessage(), e);
        } catch (RejectedDeltaException e) {
            throw e;
        } catch (TensorswarmException e) {
            throw new RejectedDeltaException("bad delta", hotkey + ": " + e.getMessage(), e);
        }
    }

    /**
     * Writes the decoded delta to the target; with {@code keepEncoded}, also moves the verified
     * download to {@link FetchRequest#encodedCopy} (otherwise removes a copy left there by an earlier run).
     */
    private void writeTarget(ParameterSet delta, boolean keepEncoded) {
        Path target = request.target();
        Path encoded = FetchRequest.encodedCopy(target);
        Path tmp = target.resolveSibling(target.getFileName() + "." + UUID.randomUUID() + ".tmp");
        try {
            Files.createDirectories(target.toAbsolutePath().getParent());
            new SafetensorsWriter().write(delta, tmp);
            if (!state.compareAndSet(LOCAL, FINISHED)) {
                throw abandoned();
            }
            if (keepEncoded) {
                Files.move(download, encoded, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } else {
                Files.deleteIfExists(encoded);
            }
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the decoded delta " + target, e);
        } finally {
            deleteQuietly(tmp);
        }
    }

    /** Maps a storage failure while reading the delta to a rejection; {@code integrityReason} names a size or hash mismatch. */
    static RejectedDeltaException rejection(String hotkey, StorageException e, String integrityReason) {
        return switch (e.kind()) {
            case NOT_FOUND -> new RejectedDeltaException("missing delta", hotkey + ": " + e.getMessage(), e);
            case TOO_LARGE -> new RejectedDeltaException("delta too large", hotkey + ": " + e.getMessage());
            case INTEGRITY -> new RejectedDeltaException(integrityReason, hotkey + ": " + e.getMessage());
            case TIMEOUT -> new RejectedDeltaException("download timeout", hotkey + ": " + e.getMessage());
            default -> new RejectedDeltaException("download failed", hotkey + ": " + e.getMessage(), e);
        };
    }

    private RejectedDeltaException abandoned() {
        return new RejectedDeltaException("abandoned", hotkey + ": the fetch was abandoned");
    }

    /** Interrupts the thread and closes the store, which ends blocking reads the interrupt does not. */
    private void release() {
        Thread t = thread;
        if (t != null) {
            t.interrupt();
        }
        ObjectStore s = store;
        if (s != null) {
            closeQuietly(s);
        }
    }

    private static void closeQuietly(ObjectStore s) {
        try {
            s.close();
        } catch (RuntimeException ignored) {
            // closing a store whose connection is hung or already closed: nothing to save
        }
    }

    private static String oneLine(Throwable e) {
        String m = String.valueOf(e.getMessage());
        return LocatorSchemes.shown(m.length() > 300 ? m.substring(0, 300) : m);
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException ignored) {
            // a leftover is removed with the round's cache folder
        }
    }
}
