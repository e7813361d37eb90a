package io.tensorswarm.gym.attack;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tensorswarm.chain.crypto.Sr25519ManifestSigner;
import io.tensorswarm.common.protocol.CommitmentPayload;
import io.tensorswarm.common.protocol.DeltaCodecs;
import io.tensorswarm.common.protocol.DeltaManifest;
import io.tensorswarm.common.protocol.Sha256;
import io.tensorswarm.common.protocol.StorageLayout;
import io.tensorswarm.common.safetensors.SafetensorsReader;
import io.tensorswarm.common.safetensors.SafetensorsWriter;
import io.tensorswarm.common.tensor.ParameterSet;
import io.tensorswarm.gym.net.PublishResult;
import io.tensorswarm.storage.PutRequest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalLong;

/**
 * Publishing by hand what {@code miner publish} will not: a manifest that names a base other than
 * the round's (the stale miner, as a miner that missed the new base would), or a copy under a
 * commitment the adversary did not make itself (the griefer). The commitment still goes through the
 * real CLI ({@code chain commit --data-hex}); the files follow the miner's layout and rules: encoded
 * with the settings' codec, uploaded once the round's upload window opens, delta before manifest.
 */
final class HandPublication {
    private static final ObjectMapper JSON = new ObjectMapper();

    private HandPublication() {}

    /**
     * Encodes {@code delta} (F32, labelled), commits its v2 payload for the round, waits for the
     * upload window and uploads it with a manifest naming {@code baseRevision}.
     */
    static List<PublishResult> publish(RoundContext ctx, ParameterSet delta, String baseRevision)
            throws InterruptedException, IOException {
        long r = ctx.round();
        String codec = ctx.settings().codec();
        Path file = ctx.workDir().resolve("encoded.safetensors");
        Files.createDirectories(ctx.workDir());
        new SafetensorsWriter().write(DeltaCodecs.forName(codec).encode(delta), file);
        String sha = Sha256.ofFile(file);
        String self = ctx.self().ss58();
        byte[] payload = CommitmentPayload.forDelta(ctx.settings().netuid(), r, self, sha,
                ctx.settings().storageLocation()).encode();
        if (ctx.block() >= ctx.clock().deadlineBlock(r) - 1) {
            return List.of();
        }
        OptionalLong block = ctx.publisher().commitRaw(ctx.self(), payload);
        if (block.isEmpty()) {
            return List.of(new PublishResult(ctx.self().wallet().name(), 1, null));
        }
        ctx.waitForBlock(ctx.clock().uploadOpenBlock(r));
        upload(ctx, file, sha, baseRevision, codec, block.getAsLong());
        ObjectNode out = JSON.createObjectNode();
        out.put("base_revision", baseRevision);
        out.put("codec", codec);
        out.put("commit_block", block.getAsLong());
        out.put("delta_bytes", Files.size(file));
        out.put("delta_sha256", sha);
        out.put("hotkey", self);
        out.put("locator", ctx.settings().storageLocation());
        out.put("round", r);
        out.put("uploaded", true);
        return List.of(new PublishResult(ctx.self().wallet().name(), 0, out));
    }

    /** Puts the encoded delta {@code file} and a manifest signed by the adversary into its own store. */
    static void upload(RoundContext ctx, Path file, String sha, String baseRevision, String codec, long createdAtBlock)
            throws IOException {
        long r = ctx.round();
        String self = ctx.self().ss58();
        int tensors = new SafetensorsReader().readHeader(file).entries().size();
        DeltaManifest manifest = DeltaManifest.unsigned(self, ctx.settings().netuid(), r, baseRevision, codec, sha,
                Files.size(file), tensors, createdAtBlock).sign(new Sr25519ManifestSigner(ctx.self().hotkey()));
        ctx.ownStore().put(PutRequest.ofFile(StorageLayout.deltaKey(r, self), file));
        ctx.ownStore().put(PutRequest.ofBytes(StorageLayout.manifestKey(r, self), manifest.toJson()));
    }
}
