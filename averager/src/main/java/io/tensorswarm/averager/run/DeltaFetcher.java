package io.tensorswarm.averager.run;

import io.tensorswarm.averager.merge.HotkeyDelta;
import io.tensorswarm.common.TensorswarmException;
import io.tensorswarm.common.protocol.CommitmentPayload;
import io.tensorswarm.common.protocol.DeltaCodec;
import io.tensorswarm.common.protocol.DeltaCodecs;
import io.tensorswarm.common.protocol.DeltaManifest;
import io.tensorswarm.common.protocol.SignatureVerifier;
import io.tensorswarm.common.protocol.StorageLayout;
import io.tensorswarm.common.safetensors.ReadLimits;
import io.tensorswarm.common.safetensors.SafetensorsReader;
import io.tensorswarm.common.tensor.ParameterSet;
import io.tensorswarm.storage.GetRequest;
import io.tensorswarm.storage.ObjectStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Function;

/**
 * Fetches one miner's round delta from the locator it committed, treating everything it reads as
 * untrusted: the locator's scheme must be allowed by the {@link LocatorPolicy} before anything is
 * opened ({@code file} only when opted in); the manifest is capped at {@link DeltaManifest#MAX_BYTES}, must be signed by the
 * miner's hotkey and name this subnet, round and base revision and the committed delta hash; the
 * delta is capped, must hash to the committed SHA-256 and have the manifest's size, is read with
 * capped safetensors limits, must carry the manifest's codec, and is decoded against the base
 * layout. Any failure is a {@link Outcome#skipped} with a one-line reason, never an exception.
 */
public final class DeltaFetcher {
    private final Function<String, ObjectStore> storeOpener;
    private final LocatorPolicy locators;
    private final SignatureVerifier verifier;
    private final int netuid;
    private final long maxDeltaBytes;
    private final Path workDir;

    /**
     * Creates a fetcher.
     *
     * @param storeOpener opens a miner's store from its committed locator
     * @param locators the schemes a locator may use
     * @param verifier checks manifest signatures (sr25519 on a real subnet)
     * @param netuid the subnet manifests must name
     * @param maxDeltaBytes the largest delta file accepted
     * @param workDir where deltas are downloaded
     */
    public DeltaFetcher(Function<String, ObjectStore> storeOpener, LocatorPolicy locators, SignatureVerifier verifier,
            int netuid, long maxDeltaBytes, Path workDir) {
        this.storeOpener = storeOpener;
        this.locators = locators;
        this.verifier = verifier;
        this.netuid = netuid;
        this.maxDeltaBytes = maxDeltaBytes;
        this.workDir = workDir;
    }

    /**
     * Returns the result of fetching one miner's delta: the decoded delta, or the reason it was
     * skipped.
     *
     * @param delta the decoded F32 delta, or null when skipped
     * @param reason why it was skipped, or null when fetched
     */
    public record Outcome(String hotkey, HotkeyDelta delta, String reason) {
        static Outcome skipped(String hotkey, String reason) {
            return new Outcome(hotkey, null, reason);
        }

        public boolean fetched() {
            return delta != null;
        }
    }

    /** Fetches {@code hotkey}'s delta for {@code payload} (already checked for round and deadline). */
    public Outcome fetch(String hotkey, CommitmentPayload payload, String baseRevision, ParameterSet base) {
        String refusal = locators.refusal(payload.locator());
        if (refusal != null) {
            return Outcome.skipped(hotkey, refusal);
        }
        Path file = workDir.resolve("delta-" + payload.round() + "-" + hotkey + ".safetensors");
        try (ObjectStore store = storeOpener.apply(payload.locator())) {
            DeltaManifest manifest = DeltaManifest.parse(store.getBytes(
                    GetRequest.of(StorageLayout.manifestKey(payload.round(), hotkey), DeltaManifest.MAX_BYTES)));
            manifest.verify(verifier);
            manifest.requireFor(hotkey, netuid, payload.round(), baseRevision);
            if (!payload.isBindingOf(netuid, hotkey, manifest.deltaSha256())) {
                return Outcome.skipped(hotkey, "the commitment does not bind delta " + manifest.deltaSha256()
                        + " to this hotkey");
            }
            if (manifest.deltaSize() > maxDeltaBytes) {
                return Outcome.skipped(hotkey, "delta of " + manifest.deltaSize() + " bytes exceeds the cap of "
                        + maxDeltaBytes);
            }
            Files.createDirectories(workDir);
            store.get(GetRequest.builder().setKey(StorageLayout.deltaKey(payload.round(), hotkey))
                    .optMaxBytes(maxDeltaBytes).optExpectedSize(manifest.deltaSize())
                    .optExpectedSha256(manifest.deltaSha256()).build(), file);
            ParameterSet stored = new SafetensorsReader(ReadLimits.defaults().withMaxTotalBytes(maxDeltaBytes))
                    .read(file);
            DeltaCodec codec = DeltaCodecs.forStored(stored);
            if (!codec.name().equals(manifest.codec())) {
                return Outcome.skipped(hotkey, "delta is encoded with " + codec.name() + " but the manifest says "
                        + manifest.codec());
            }
            return new Outcome(hotkey, new HotkeyDelta(hotkey, codec.decode(stored, base)), null);
        } catch (TensorswarmException | IOException e) {
            return Outcome.skipped(hotkey, e.getMessage());
        } catch (IllegalArgumentException e) { // a locator no store provider accepts
            return Outcome.skipped(hotkey, "unusable locator " + payload.locator() + ": " + e.getMessage());
        } finally {
            try {
                Files.deleteIfExists(file);
            } catch (IOException ignored) {
                // a leftover download is overwritten next time
            }
        }
    }
}
